"""Back up the test database, restore into a new one made here (never into the suite's)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from intercoop.conftest import make_org, make_user


def restore_cli(backup: Path, *, database_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    """`intercoop restore` in its own process, against another database."""
    env = os.environ | {"DATABASE_URL": database_url, "INTERCOOP_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "-m", "intercoop.cli", "restore", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_an_empty_database_only(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is the test below")
    make_org(name="Riverside Bakery Co-op")
    make_user("ana", email="ana@example.org")
    backup = tmp_path / "backup.sqlite3"
    call_command("backup", str(backup))
    assert not list(tmp_path.glob(".*partial"))

    restored = tmp_path / "restored.sqlite3"
    result = restore_cli(backup, database_url=f"sqlite:///{restored}", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(restored) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert database.execute("SELECT name FROM directory_organization").fetchall() == [
            ("Riverside Bakery Co-op",)
        ]
        assert database.execute(
            "SELECT username, email FROM auth_user WHERE username = 'ana'"
        ).fetchall() == [("ana", "ana@example.org")]

    again = restore_cli(backup, database_url=f"sqlite:///{restored}", var_dir=tmp_path)
    assert again.returncode == 1
    assert "the database is not empty (auth_user, " in again.stderr
    assert "restore only into an empty database" in again.stderr


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello " * 1000)
    with pytest.raises(CommandError, match=r"not a SQLite backup|pg_restore failed"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError, match="no file"):
        call_command("restore", str(tmp_path / "missing"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use(tmp_path):
    make_org()
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match=r"not empty \(.*directory_organization"):
        call_command("restore", str(backup))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_an_empty_database_only(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs it)")
    import psycopg

    make_org(name="Riverside Bakery Co-op")
    make_user("ana", email="ana@example.org")
    backup = tmp_path / "backup.dump"
    call_command("backup", str(backup))
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    settings = connection.settings_dict
    server = {
        "host": settings["HOST"] or "localhost",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    name = f"test_restore_{os.getpid()}"
    credentials = quote(settings["USER"] or "") + (
        f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    )
    url = f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname=settings["NAME"], autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            result = restore_cli(backup, database_url=url, var_dir=tmp_path)
            assert result.returncode == 0, result.stderr
            with psycopg.connect(dbname=name, **server) as restored:
                names = restored.execute("SELECT name FROM directory_organization").fetchall()
                users = restored.execute(
                    "SELECT username, email FROM auth_user WHERE username = 'ana'"
                ).fetchall()
            assert names == [("Riverside Bakery Co-op",)]
            assert users == [("ana", "ana@example.org")]

            again = restore_cli(backup, database_url=url, var_dir=tmp_path)
            assert again.returncode == 1
            assert "the database is not empty (auth_user, " in again.stderr
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
