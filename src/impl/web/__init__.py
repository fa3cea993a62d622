"""The Connexion glue: how the spec-routed app resolves, secures, validates and routes requests,
answers every failure in the API's own envelope and serves stored objects.

Nothing here knows an API; each API plugs in through its ``ApiDefinition``.
"""
