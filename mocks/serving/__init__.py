"""Serving: the built-in HTTP/1.1 server and what clients did (request log, coverage)."""
