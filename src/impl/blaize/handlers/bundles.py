"""Handlers of the bundles module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import BUNDLES
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_operations = ProductOperations(BUNDLES)
list_bundles = _operations.list_all
create_bundle = _operations.create
upsert_bundle = _operations.upsert
get_bundle = _operations.get
delete_bundle = _operations.delete
