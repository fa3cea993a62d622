"""State: ``--stateful`` CRUD inferred from the document; deleted stays deleted in every mode."""
