"""Imports every API's tables so that ``Base.metadata`` knows them all."""

from impl.peerly import models as peerly_models

__all__ = ["peerly_models"]
