"""Who administers a tenant: admin users and roles, admin sessions, keypair signatures,
certificates, configuration, installation, and the OAuth2 authorization server.
"""
