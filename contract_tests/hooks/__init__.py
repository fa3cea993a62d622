"""Schemathesis hooks modules for upstream ``st run`` (``SCHEMATHESIS_HOOKS=<module>``)."""
