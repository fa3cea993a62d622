"""Handlers of the credits module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import CREDITS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_handlers = ProductOperations(CREDITS)
list_credits = _handlers.list_all
create_credit = _handlers.create
upsert_credit = _handlers.upsert
get_credit = _handlers.get
delete_credit = _handlers.delete
