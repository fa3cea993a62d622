"""Tenants and the first admin: how a Blaize installation comes to life.

A fresh installation (no admin user at all) with ``BLAIZE_INITIAL_ADMIN_EMAIL`` and
``BLAIZE_INITIAL_ADMIN_PASSWORD`` set gets that admin user at start-up, in the tenant
``BLAIZE_DEFAULT_TENANT``, which is not installed yet. The admin logs in and calls
``POST /v3/initialize``, which installs the tenant and makes the caller its first ``admin``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.identity.models import AdminRole, AdminUser, ConfigurationSetting
from contractkit.impl.blaize.identity.passwords import Passwords
from contractkit.impl.blaize.settings import BlaizeSettings
from contractkit.impl.blaize.tenancy.ids import new_id, new_uuid
from contractkit.impl.blaize.tenancy.models import Tenant
from contractkit.impl.timeutil import utcnow

ADMIN_ROLE = "admin"
DEFAULT_CONFIGURATION = {"authentication.password.requireEmailVerfication": "false"}


def ensure_tenant(session: Session, tenant_id: str) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        tenant = Tenant(id=tenant_id, created_at=utcnow())
        session.add(tenant)
        session.flush()
    return tenant


def ensure_initial_admin(
    session: Session, settings: BlaizeSettings, passwords: Passwords
) -> AdminUser | None:
    """Create the configured first admin on a fresh installation; None when not applicable."""
    if settings.initial_admin_email is None or settings.initial_admin_password is None:
        return None
    if session.scalar(select(func.count()).select_from(AdminUser)):
        return None
    tenant = ensure_tenant(session, settings.default_tenant)
    admin = AdminUser(
        id=new_uuid(),
        email=settings.initial_admin_email,
        password_hash=passwords.hash(settings.initial_admin_password),
        home_tenant_id=tenant.id,
    )
    session.add(admin)
    session.flush()
    return admin


def install_tenant(session: Session, tenant: Tenant, first_admin_email: str | None) -> None:
    """Mark the tenant installed, with its default settings and (if given and the tenant has
    none yet) its first ``admin`` role."""
    tenant.installed_at = utcnow()
    for name, value in DEFAULT_CONFIGURATION.items():
        if session.get(ConfigurationSetting, (tenant.id, name)) is None:
            session.add(ConfigurationSetting(tenant_id=tenant.id, name=name, value=value))
    has_admin = session.scalar(
        select(AdminRole.id)
        .where(AdminRole.tenant_id == tenant.id, AdminRole.role == ADMIN_ROLE)
        .limit(1)
    )
    if first_admin_email is not None and not has_admin:
        session.add(
            AdminRole(id=new_id(), tenant_id=tenant.id, email=first_admin_email, role=ADMIN_ROLE)
        )
    session.flush()
