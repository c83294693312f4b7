"""The full-text index of organisations, made by migrations (see 0002).

On SQLite, Django rebuilds a table to alter it, which drops its triggers: every migration
that alters `directory_organization` ends with `RunPython(ensure_search_index)`, and a
test searches after all migrations have run."""

from typing import Any

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS directory_organization_fts_ai
        AFTER INSERT ON directory_organization BEGIN
        INSERT INTO directory_organization_fts(rowid, search_text)
        VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_organization_fts_ad
        AFTER DELETE ON directory_organization BEGIN
        INSERT INTO directory_organization_fts(directory_organization_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_organization_fts_au
        AFTER UPDATE OF search_text ON directory_organization BEGIN
        INSERT INTO directory_organization_fts(directory_organization_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO directory_organization_fts(rowid, search_text)
        VALUES (new.id, new.search_text);
    END""",
]
SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS directory_organization_fts USING fts5(
    search_text, content='directory_organization', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2')"""
SQLITE_REBUILD = (
    "INSERT INTO directory_organization_fts(directory_organization_fts) VALUES ('rebuild')"
)


def ensure_search_index(apps: Any, schema_editor: Any) -> None:
    """(Re)create the SQLite index and its triggers, and rebuild it. PostgreSQL keeps its
    generated column and index through table changes: nothing to do there."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD]:
        schema_editor.execute(statement)
