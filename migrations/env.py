"""Alembic environment: runs migrations on the URL the app passes in."""

from __future__ import annotations

from alembic import context

import course.models  # noqa: F401  (registers every table on the metadata)
from course.database import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "the database URL is passed in by course.migrate"

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
engine.dispose()
