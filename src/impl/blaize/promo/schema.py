"""The GraphQL schema of Braintree promo codes, and its resolvers.

Resolvers work in the request's transaction and tenant (``PromoScope``, the context value).
Refusals of the mutations (invalid values, a taken code, an unknown code) are results with
status ``ERROR``; any exception a resolver raises is a server fault, not a GraphQL error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, build_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from contractkit.impl.blaize.promo.models import PromoCode
from contractkit.impl.blaize.tenancy.ids import new_id
from contractkit.impl.blaize.tenancy.records import tenant_rows
from contractkit.impl.blaize.tenancy.storable import contains_nul

SDL = '''
"""A Braintree promo code: the code customers enter, and the Braintree discount it gives."""
type BraintreePromoCode {
  code: String!
  "The Braintree discount (add-on) the code applies."
  discountId: String!
  "A percentage (0 to 100), or an amount when absoluteDiscount is true."
  discount: Float!
  "Billing cycles the discount lasts; null: every cycle."
  billingCycles: Int
  "How many times the code may be claimed; null: no limit."
  limit: Int
  "How many times the code was claimed."
  claimed: Int!
  absoluteDiscount: Boolean!
}

input BraintreePromoCodeInput {
  "1 to 100 characters, unique in the tenant (compared exactly)."
  code: String!
  "1 to 255 characters."
  discountId: String!
  discount: Float!
  "At least 1; null or left out: every cycle."
  billingCycles: Int
  "At least 1; null or left out: no limit."
  limit: Int
  absoluteDiscount: Boolean = false
}

enum PromoCodeMutationStatus {
  SUCCESS
  ERROR
}

type PromoCodeMutationResult {
  status: PromoCodeMutationStatus!
  "What was done, or why nothing was."
  message: String!
}

type Query {
  "Every promo code of the tenant, oldest first."
  listBraintreePromoCodes: [BraintreePromoCode!]!
}

type Mutation {
  createBraintreePromoCode(promoCode: BraintreePromoCodeInput!): PromoCodeMutationResult!
  "Deletes the promo code whose code is promoCodeId."
  deleteBraintreePromoCode(promoCodeId: String!): PromoCodeMutationResult!
}
'''

MAX_CODE_CHARS = 100
MAX_DISCOUNT_ID_CHARS = 255
NUL_MESSAGE = "Text containing the NUL character (U+0000) cannot be stored"


@dataclass(frozen=True)
class PromoScope:
    """The context of one execution: the request's session and the caller's tenant."""

    session: Session
    tenant_id: str


def _scope(info: GraphQLResolveInfo) -> PromoScope:
    return info.context  # type: ignore[no-any-return]


def _result(status: str, message: str) -> dict[str, str]:
    return {"status": status, "message": message}


def _find(scope: PromoScope, code: str) -> PromoCode | None:
    if contains_nul(code):
        return None
    return scope.session.scalar(
        select(PromoCode).where(PromoCode.tenant_id == scope.tenant_id, PromoCode.code == code)
    )


def promo_code_view(row: PromoCode) -> dict[str, Any]:
    return {
        "code": row.code,
        "discountId": row.discount_id,
        "discount": row.discount,
        "billingCycles": row.billing_cycles,
        "limit": row.claim_limit,
        "claimed": row.claimed,
        "absoluteDiscount": row.absolute_discount,
    }


def refusal(values: dict[str, Any]) -> str | None:
    """Why the values of a new promo code cannot be stored, if they cannot."""
    code, discount_id, discount = values["code"], values["discountId"], values["discount"]
    if contains_nul(code) or contains_nul(discount_id):
        return NUL_MESSAGE
    if not 1 <= len(code) <= MAX_CODE_CHARS:
        return f"code must have 1 to {MAX_CODE_CHARS} characters"
    if not 1 <= len(discount_id) <= MAX_DISCOUNT_ID_CHARS:
        return f"discountId must have 1 to {MAX_DISCOUNT_ID_CHARS} characters"
    if not math.isfinite(discount) or discount < 0:
        return "discount must be a number of at least 0"
    if not values.get("absoluteDiscount") and discount > 100:
        return "A percentage discount (absoluteDiscount: false) cannot exceed 100"
    for name in ("billingCycles", "limit"):
        if values.get(name) is not None and values[name] < 1:
            return f"{name} must be at least 1 (or null)"
    return None


def list_promo_codes(_root: None, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    scope = _scope(info)
    rows = tenant_rows(scope.session, PromoCode, scope.tenant_id)
    return [promo_code_view(row) for row in rows]


def create_promo_code(
    _root: None, info: GraphQLResolveInfo, promoCode: dict[str, Any]
) -> dict[str, str]:
    scope = _scope(info)
    reason = refusal(promoCode)
    if reason is None and _find(scope, promoCode["code"]) is not None:
        reason = "A promo code with this code already exists"
    if reason is not None:
        return _result("ERROR", reason)
    scope.session.add(
        PromoCode(
            id=new_id(),
            tenant_id=scope.tenant_id,
            code=promoCode["code"],
            discount_id=promoCode["discountId"],
            discount=float(promoCode["discount"]) + 0.0,  # no negative zero
            billing_cycles=promoCode.get("billingCycles"),
            claim_limit=promoCode.get("limit"),
            claimed=0,
            absolute_discount=bool(promoCode.get("absoluteDiscount")),
        )
    )
    scope.session.flush()
    return _result("SUCCESS", "Promo code created")


def delete_promo_code(_root: None, info: GraphQLResolveInfo, promoCodeId: str) -> dict[str, str]:
    scope = _scope(info)
    row = _find(scope, promoCodeId)
    if row is None:
        return _result("ERROR", "Promo code not found")
    scope.session.delete(row)
    scope.session.flush()
    return _result("SUCCESS", "Promo code deleted")


def _root(kind: GraphQLObjectType | None) -> GraphQLObjectType:
    if kind is None:
        raise RuntimeError("The promo code schema lost a root type")
    return kind


def build_promo_schema() -> GraphQLSchema:
    """The schema, its root fields bound to the resolvers above."""
    schema = build_schema(SDL)
    query = _root(schema.query_type)
    mutation = _root(schema.mutation_type)
    query.fields["listBraintreePromoCodes"].resolve = list_promo_codes
    mutation.fields["createBraintreePromoCode"].resolve = create_promo_code
    mutation.fields["deleteBraintreePromoCode"].resolve = delete_promo_code
    return schema


PROMO_SCHEMA = build_promo_schema()
