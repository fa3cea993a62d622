"""Object storage shared by the file APIs: a local folder (default) or any S3-compatible service.

``storage.config.storage_for(settings, api)`` picks the backend from configuration;
``storage.uploads`` streams uploads into it (``storage.detect`` names their content type);
``storage.signing`` signs the local backend's URLs. Nothing here imports the web glue or an
API package: they import storage. Modules are imported where needed, so that the local backend
never loads boto3.
"""
