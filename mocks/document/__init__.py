"""The mock's document stage: its thin layer over :mod:`contractkit.openapi` - operations
with their schemas compiled to JSON Schema 2020-12 on first use."""
