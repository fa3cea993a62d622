"""Handlers of the credits module: the shared product operations (``product_operations``)."""

from contractkit.impl.blaize.catalogue.products import CREDITS
from contractkit.impl.blaize.handlers.product_operations import ProductOperations

_operations = ProductOperations(CREDITS)
list_credits = _operations.list_all
create_credit = _operations.create
upsert_credit = _operations.upsert
get_credit = _operations.get
delete_credit = _operations.delete
