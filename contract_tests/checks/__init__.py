"""Checks of our own, derived from the document alone (CRUD semantics so far)."""
