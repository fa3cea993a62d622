"""Handlers of the entitlements module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import ENTITLEMENTS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_operations = ProductOperations(ENTITLEMENTS)
list_entitlements = _operations.list_all
create_entitlement = _operations.create
upsert_entitlement = _operations.upsert
get_entitlement = _operations.get
delete_entitlement = _operations.delete
