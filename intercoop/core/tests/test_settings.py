import subprocess
import sys

from django.conf import settings
from django.db import connection


def test_secret_key_is_generated_once_into_var(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {
        "INTERCOOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "intercoop.config.settings",
        "PATH": "/usr/bin:/bin",
    }
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_sqlite_runs_in_wal_mode(db):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_tiles_are_off_in_tests_and_no_page_loads_from_a_cdn(client, db):
    assert settings.MAP_TILE_URL == ""
    for url in ("/", "/map/", "/orgs/", "/embed/map/", "/api/v1/docs"):
        content = client.get(url).content.decode()
        assert "unpkg.com" not in content and "cdn" not in content.lower()
