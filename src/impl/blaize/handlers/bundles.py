"""Handlers of the bundles module: shared product operations (``blaize.catalogue.products``)."""

from contractkit.impl.blaize.catalogue.products import BUNDLES, Handlers

_handlers = Handlers(BUNDLES)
list_bundles = _handlers.list_all
create_bundle = _handlers.create
upsert_bundle = _handlers.upsert
get_bundle = _handlers.get
delete_bundle = _handlers.delete
