"""Full-text search over Organization.search_text: an FTS5 index kept in step by triggers
on SQLite; on PostgreSQL a generated tsvector column (`search_vector`, unknown to the
model: the database fills it) with a GIN index."""

from django.db import migrations

from intercoop.directory.search_index import ensure_search_index

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_organization_fts_ai",
    "DROP TRIGGER IF EXISTS directory_organization_fts_ad",
    "DROP TRIGGER IF EXISTS directory_organization_fts_au",
    "DROP TABLE IF EXISTS directory_organization_fts",
]
# A stored tsvector: matching and re-checking rows need not parse the text again.
POSTGRES_FORWARD = [
    "ALTER TABLE directory_organization ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX directory_organization_search ON directory_organization "
    "USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_organization_search",
    "ALTER TABLE directory_organization DROP COLUMN IF EXISTS search_vector",
]


def _forward(apps, schema_editor):
    ensure_search_index(apps, schema_editor)
    for statement in POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else []:
        schema_editor.execute(statement)


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _forward,
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
