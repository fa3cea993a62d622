"""Handlers of the credits module: shared product operations (``blaize.catalogue.products``)."""

from contractkit.impl.blaize.catalogue.products import CREDITS, Handlers

_handlers = Handlers(CREDITS)
list_credits = _handlers.list_all
create_credit = _handlers.create
upsert_credit = _handlers.upsert
get_credit = _handlers.get
delete_credit = _handlers.delete
