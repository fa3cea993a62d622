"""Handlers of the entitlements module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import ENTITLEMENTS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_handlers = ProductOperations(ENTITLEMENTS)
list_entitlements = _handlers.list_all
create_entitlement = _handlers.create
upsert_entitlement = _handlers.upsert
get_entitlement = _handlers.get
delete_entitlement = _handlers.delete
