"""PERS's work on its tables and storage, one module per concern; handlers call these."""
