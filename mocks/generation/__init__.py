"""Generation: response bodies and headers from examples and schemas, error answers in the
document's own shape."""
