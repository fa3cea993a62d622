"""contractkit: contract-first API toolkit driven by OpenAPI documents."""

__version__ = "0.1.0"
