"""Handlers of the bundles module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import BUNDLES
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_handlers = ProductOperations(BUNDLES)
list_bundles = _handlers.list_all
create_bundle = _handlers.create
upsert_bundle = _handlers.upsert
get_bundle = _handlers.get
delete_bundle = _handlers.delete
