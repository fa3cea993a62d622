"""The tenant's configuration: a flat map of named settings.

The seed spells one setting ``authentication.password.requireEmailVerfication``; the correct
spelling ``...requireEmailVerification`` names the same setting (``ALIASES``): it is stored,
read and answered under the seed's name, so neither spelling can turn the other off.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.models import ConfigurationSetting
from contractkit.impl.blaize.tenancy.storable import refuse_unstorable

REQUIRE_EMAIL_VERIFICATION = "authentication.password.requireEmailVerfication"
"""The seed's name of the setting (misspelt as in the seed; the canonical name here)."""
ALIASES = {"authentication.password.requireEmailVerification": REQUIRE_EMAIL_VERIFICATION}
"""Other names of a setting -> its canonical name."""


def canonical_name(name: str) -> str:
    return ALIASES.get(name, name)


def tenant_configuration(session: Session, tenant_id: str) -> dict[str, str]:
    """Every setting of the tenant, by name."""
    rows = session.scalars(
        select(ConfigurationSetting)
        .where(ConfigurationSetting.tenant_id == tenant_id)
        .order_by(ConfigurationSetting.name)
    )
    return {row.name: row.value for row in rows}


def setting(session: Session, tenant_id: str, name: str) -> str | None:
    """The value of one setting of the tenant, if set."""
    row = session.get(ConfigurationSetting, (tenant_id, canonical_name(name)))
    return row.value if row is not None else None


def save_configuration(
    session: Session, tenant_id: str, values: Mapping[str, str]
) -> dict[str, str]:
    """Set the given settings (others are kept); answers the whole configuration."""
    refuse_unstorable(values)
    canonical = {canonical_name(name): value for name, value in values.items()}
    for name, value in canonical.items():
        row = session.get(ConfigurationSetting, (tenant_id, name))
        if row is None:
            session.add(ConfigurationSetting(tenant_id=tenant_id, name=name, value=value))
        else:
            row.value = value
    session.flush()
    return tenant_configuration(session, tenant_id)
