"""Alembic environment: runs migrations on the URL the app passes in."""

from __future__ import annotations

from alembic import context

import course.models  # noqa: F401  (registers every table on the metadata)
from course.database import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    raise SystemExit("Run migrations through `flask --app course db upgrade`, which passes the database URL.")

engine = make_engine(url, create=True)  # `db upgrade` is what creates a new SQLite database
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
