"""Handler of the promo_codes module: Braintree promo codes through GraphQL.

The document is checked before anything runs: any operation needs read rights, a mutation
write rights (403 otherwise). One request is one transaction, whatever the document holds.
"""

from __future__ import annotations

from typing import Any

from contractkit.impl.blaize.context import BlaizeContext
from contractkit.impl.blaize.identity.access import Permission, authorize, forbidden
from contractkit.impl.blaize.promo.clashes import run_again_on_clash
from contractkit.impl.blaize.promo.http import (
    GraphQLRequest,
    errors_body,
    execute,
    graphql_request,
    prepare,
)
from contractkit.impl.blaize.promo.schema import PROMO_SCHEMA, PromoScope


def _run(ctx: BlaizeContext, request: GraphQLRequest, token_info: dict[str, Any]) -> dict:
    with ctx.db.transaction() as session:
        caller = authorize(session, token_info, Permission.READ)
        prepared = prepare(PROMO_SCHEMA, request)
        if isinstance(prepared, list):
            return errors_body(prepared)
        if prepared.is_mutation and not caller.may(Permission.WRITE):
            raise forbidden("The admin user may not run mutations")
        return execute(PROMO_SCHEMA, prepared, PromoScope(session, caller.tenant_id))


def execute_promo_code_graphql(
    ctx: BlaizeContext, body: object, token_info: dict[str, Any]
) -> tuple[dict, int]:
    request = graphql_request(body)
    return run_again_on_clash(lambda: _run(ctx, request, token_info)), 200
