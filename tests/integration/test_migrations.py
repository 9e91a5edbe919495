"""Alembic creates the schema; it matches the models; downgrade and upgrade again work."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from governance.db.migrate import downgrade, upgrade
from governance.db.models import Base


def test_the_migrated_schema_matches_the_models(coop_env) -> None:
    engine = create_engine(coop_env.database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migrations_go_down_and_up_again(coop_env) -> None:
    from governance.db.engine import dispose_engines

    dispose_engines()
    downgrade(coop_env.database_url)
    engine = create_engine(coop_env.database_url)
    assert "member" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade(coop_env.database_url)
    engine = create_engine(coop_env.database_url)
    assert {"member", "outbox_message", "document", "timeline_event"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()
