"""Files to documents: sources, notation headers, the encoding language, guards."""
