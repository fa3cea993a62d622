"""Handlers of the meters module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import METERS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_operations = ProductOperations(METERS)
list_meters = _operations.list_all
create_meter = _operations.create
upsert_meter = _operations.upsert
get_meter = _operations.get
delete_meter = _operations.delete
