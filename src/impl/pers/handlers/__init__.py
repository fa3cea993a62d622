"""HTTP handlers of the pers API, one module per document in specs/pers."""
