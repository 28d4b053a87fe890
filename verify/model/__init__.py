"""The types that pass between stages: expressions, notations, documents, verdicts."""
