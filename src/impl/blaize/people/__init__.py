"""End users: their accounts and companies, attributes under the User Schema, sessions, JWTs, and
the flows that go through their mailbox.
"""
