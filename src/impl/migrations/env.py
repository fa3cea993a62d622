"""Alembic environment: runs migrations on the engine handed over by ``contractkit.impl.db``."""

from __future__ import annotations

from alembic import context

import contractkit.impl.models  # noqa: F401  (registers every table on Base.metadata)
from contractkit.impl.db import Base, make_engine

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from contractkit.impl.config import load_settings

        url = load_settings().database_url
    engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
