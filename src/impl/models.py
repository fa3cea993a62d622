"""Imports every API's tables so that ``Base.metadata`` knows them all."""

from contractkit.impl.blaize import models as blaize_models
from contractkit.impl.chainsite import models as chainsite_models
from contractkit.impl.peerly import models as peerly_models
from contractkit.impl.pers import models as pers_models

__all__ = ["blaize_models", "chainsite_models", "peerly_models", "pers_models"]
