"""`intercoop backup FILE`: a consistent copy of the whole database while the server runs.

SQLite: the online backup API (readers and writers go on meanwhile). PostgreSQL: `pg_dump`
in its custom format, for `pg_restore`. `intercoop restore FILE` brings it back.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for the database of `settings_dict`: no password prompt, and no
    password on a command line where `ps` shows it."""
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    return os.environ | {name: str(value) for name, value in values.items() if value}


def postgres_tool(name: str, arguments: list[str], settings_dict: dict[str, Any]) -> None:
    """Run pg_dump or pg_restore; its own error message becomes the command's."""
    program = shutil.which(name)
    if program is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(  # noqa: S603 (our arguments, no shell)
        [program, "--no-password", *arguments],
        env=postgres_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"{name} failed: {result.stderr.strip()}")


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"backups of {connection.vendor} databases are not supported")
    return connection.vendor


class Command(BaseCommand):
    help = "Back up the whole database into FILE while the server runs (restore with `restore`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup (replaced if it exists)")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="database alias in settings (default: default)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        target = Path(options["file"]).resolve()
        if not target.parent.is_dir():
            raise CommandError(f"no folder {target.parent}")
        # Written beside the target and renamed at the end: a failed backup never leaves
        # half a file where the last good one was.
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            if vendor_of(connection) == "sqlite":
                _sqlite_backup(connection, partial)
            else:
                postgres_tool(
                    "pg_dump", ["--format=custom", f"--file={partial}"], connection.settings_dict
                )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        size = target.stat().st_size
        self.stdout.write(
            f"Backed up the {connection.vendor} database to {target} ({size:,} bytes)"
        )


def _sqlite_backup(connection: BaseDatabaseWrapper, path: Path) -> None:
    if connection.in_atomic_block:  # the backup would wait for ever on its own writes
        raise CommandError("a backup cannot be made inside a transaction")
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)
        # One self-contained file, whatever journal mode the live database uses.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
