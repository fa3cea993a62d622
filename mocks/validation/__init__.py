"""Validation: credentials, parameters and bodies against the operation; violations as data."""
