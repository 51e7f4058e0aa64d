"""On PostgreSQL, index post text and topic titles with pg_trgm so that substring search
(`ILIKE '%年费%'`, how Chinese text is matched; see community/search.py) uses an index.

Skipped on SQLite, and skipped quietly where the extension cannot be created (no privilege):
search still works there, only without the index.
"""

from django.db import migrations, transaction

INDEXES = [
    ("community_post_body_trgm", "community_post", "body_markdown"),
    ("community_topic_title_trgm", "community_topic", "title"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("community", "0002_community_groups")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
