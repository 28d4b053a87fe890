"""The LaTeX/Markdown reader: a document's text to chains of bound expressions."""
