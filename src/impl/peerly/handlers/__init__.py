"""HTTP handlers of the peerly API, one module per document in specs/peerly."""
