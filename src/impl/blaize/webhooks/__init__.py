"""Webhooks: events written in the same transaction as the change (an outbox), signed and delivered
with back-off.
"""
