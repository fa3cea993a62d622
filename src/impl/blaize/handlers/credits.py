"""Handlers of the credits module: the shared product operations of ``blaize.catalogue``."""

from contractkit.impl.blaize.catalogue import CREDITS, Handlers

_handlers = Handlers(CREDITS)
list_credits = _handlers.list_all
create_credit = _handlers.create
upsert_credit = _handlers.upsert
get_credit = _handlers.get
delete_credit = _handlers.delete
