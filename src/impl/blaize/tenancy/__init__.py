"""Tenants and what every context shares: ids, tenant-scoped lookups, client-keyed rows, storable
text.
"""
