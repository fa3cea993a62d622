"""Imports every API's tables so that ``Base.metadata`` knows them all."""

from contractkit.impl.blaize.catalogue import models as blaize_catalogue_models
from contractkit.impl.blaize.content import models as blaize_content_models
from contractkit.impl.blaize.decisions import models as blaize_decisions_models
from contractkit.impl.blaize.identity import models as blaize_identity_models
from contractkit.impl.blaize.people import models as blaize_people_models
from contractkit.impl.blaize.promo import models as blaize_promo_models
from contractkit.impl.blaize.tenancy import models as blaize_tenancy_models
from contractkit.impl.blaize.webhooks import models as blaize_webhooks_models
from contractkit.impl.chainsite import models as chainsite_models
from contractkit.impl.peerly import models as peerly_models
from contractkit.impl.pers import models as pers_models

__all__ = [
    "blaize_catalogue_models",
    "blaize_content_models",
    "blaize_decisions_models",
    "blaize_identity_models",
    "blaize_people_models",
    "blaize_promo_models",
    "blaize_tenancy_models",
    "blaize_webhooks_models",
    "chainsite_models",
    "peerly_models",
    "pers_models",
]
