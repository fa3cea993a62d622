"""Content served to sites: forms, static items, cache configurations with origin responses and
evictions, feature rules.
"""
