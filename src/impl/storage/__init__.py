"""Object storage shared by the file APIs: a local folder (default) or any S3-compatible service.

``storage.config.storage_for(settings, api)`` picks the backend from configuration;
``storage.uploads`` streams uploads into it; ``storage.multipart`` keeps multipart request
bodies on disk while they are validated. Modules are imported where needed, so that
``contractkit.impl.web.validation`` can use the multipart validator without loading boto3.
"""
