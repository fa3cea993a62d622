"""The Connexion glue: how the spec-routed app resolves, secures, validates and routes requests.

Nothing here knows an API; each API plugs in through its ``ApiDefinition``.
"""
