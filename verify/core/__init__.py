"""Shared by every layer: the exception tree, versions, memos, tolerances."""
