"""Peerly's work on its tables, one module per concern; handlers call these, never the reverse.

Each function takes the request's ``Session`` (the handler owns the transaction) and raises
``ApiError`` for what the caller may not do.
"""
