"""Promo codes over GraphQL (graphql-core): the schema, GraphQL over HTTP and its limits."""
