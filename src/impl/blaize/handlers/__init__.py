"""HTTP handlers of the blaize API, one module per document in specs/blaize."""
