"""Handlers of the meters module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import METERS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_handlers = ProductOperations(METERS)
list_meters = _handlers.list_all
create_meter = _handlers.create
upsert_meter = _handlers.upsert
get_meter = _handlers.get
delete_meter = _handlers.delete
