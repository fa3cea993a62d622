"""Imports every API's tables so that ``Base.metadata`` knows them all."""

from impl.blaize import models as blaize_models
from impl.chainsite import models as chainsite_models
from impl.peerly import models as peerly_models
from impl.pers import models as pers_models

__all__ = ["blaize_models", "chainsite_models", "peerly_models", "pers_models"]
