"""`intercoop restore FILE`: bring back a backup made by `intercoop backup`, into an empty
database only (a new SQLite file or PostgreSQL database, migrated or not), so that a
restore never mixes two histories or overwrites data by mistake."""

import sqlite3
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from intercoop.core.management.commands.backup import postgres_tool, vendor_of

# Tables that `migrate` fills by itself: rows there do not make a database "in use".
FILLED_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """Our tables (every installed app's models) that hold at least one row."""
    existing = set(connection.introspection.table_names())
    ours = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    populated = []
    with connection.cursor() as cursor:
        for table in sorted((ours & existing) - FILLED_BY_MIGRATE):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                populated.append(table)
    return populated


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by `intercoop backup`")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias in settings"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        source = Path(options["file"]).resolve()
        if not source.is_file():
            raise CommandError(f"no file {source}")
        vendor = vendor_of(connection)
        if vendor == "sqlite":
            _check_sqlite_backup(source)
        else:
            postgres_tool("pg_restore", ["--list", str(source)], connection.settings_dict)
        if populated := tables_with_rows(connection):
            shown = ", ".join(populated[:5]) + (", …" if len(populated) > 5 else "")
            raise CommandError(
                f"the database is not empty ({shown} hold rows); restore only into an empty "
                "database: a new SQLite file or a new PostgreSQL database (DATABASE_URL)"
            )
        if vendor == "sqlite":
            _sqlite_restore(source, connection)
        else:
            # --clean --if-exists: a database that was migrated but holds no rows has the
            # tables already; they are replaced by the backup's, in one transaction.
            postgres_tool(
                "pg_restore",
                [
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(source),
                ],
                connection.settings_dict,
            )
        connection.close()
        self.stdout.write(f"Restored {source} into the {vendor} database")


def _check_sqlite_backup(source: Path) -> None:
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            found = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        finally:
            backup.close()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{source} is not a SQLite backup ({error})") from error
    if found is None:
        raise CommandError(f"{source} is not an Intercoop backup (it has no migrations table)")


def _sqlite_restore(source: Path, connection: BaseDatabaseWrapper) -> None:
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()
