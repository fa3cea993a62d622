"""Negotiation: which documented response, media type and example to answer with."""
