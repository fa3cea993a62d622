"""Handlers of the entitlements module: the product operations of ``blaize.catalogue.products``."""

from contractkit.impl.blaize.catalogue.products import ENTITLEMENTS, Handlers

_handlers = Handlers(ENTITLEMENTS)
list_entitlements = _handlers.list_all
create_entitlement = _handlers.create
upsert_entitlement = _handlers.upsert
get_entitlement = _handlers.get
delete_entitlement = _handlers.delete
