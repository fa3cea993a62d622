"""Handlers of the meters module: the shared product operations of ``blaize.catalogue.products``."""

from contractkit.impl.blaize.catalogue.products import METERS, Handlers

_handlers = Handlers(METERS)
list_meters = _handlers.list_all
create_meter = _handlers.create
upsert_meter = _handlers.upsert
get_meter = _handlers.get
delete_meter = _handlers.delete
