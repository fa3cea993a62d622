"""Routing: a request path and method to one operation (404/405 otherwise)."""
