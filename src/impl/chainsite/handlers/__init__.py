"""HTTP handlers of the chainsite API, one module per document in specs/chainsite."""
