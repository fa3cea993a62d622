"""Chainsite's work on its tables and storage, one module per concern; handlers call these.

Functions take the request's ``Session`` (the handler owns the transaction), except where bytes
in storage and their record must succeed or fail together.
"""
