import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from intercoop.cli import COMMANDS
from intercoop.directory.models import Network, Organization


def test_help_lists_the_intercoop_commands():
    result = subprocess.run(
        [sys.executable, "-m", "intercoop.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert "migrate" in result.stdout


@pytest.mark.django_db
def test_import_orgs_reports_bad_rows_and_writes_nothing(tmp_path: Path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text("name,country,latitude,longitude\nGood,GB,1,1\n,GB,1,1\nBad,XX,1,1\n")
    with pytest.raises(CommandError, match="2 bad row"):
        call_command("import_orgs", str(path), format="plain")
    assert capsys.readouterr().err.splitlines() == [
        "line 3, name: is required",
        "line 4, country: 'XX' is not an ISO 3166 country code",
    ]
    assert Organization.objects.count() == 0
    call_command("import_orgs", str(path), format="plain", skip_bad_rows=True)
    assert "1 created, 0 updated, 0 unchanged, 2 bad row(s) skipped" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_orgs_into_a_network_and_unknown_network(tmp_path: Path):
    Network.objects.create(slug="valley", name="Valley", created_at="2026-01-01T00:00Z")
    path = tmp_path / "orgs.csv"
    path.write_text("name\nBakery\n")
    with pytest.raises(CommandError, match="no network with slug 'nowhere'"):
        call_command("import_orgs", str(path), format="plain", network="nowhere")
    call_command("import_orgs", str(path), format="plain", network="valley")
    assert Organization.objects.get().network_memberships.get().network.slug == "valley"
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_orgs", str(tmp_path / "missing.csv"), format="plain")


@pytest.mark.django_db
def test_export_orgs_writes_a_file_and_can_leave_out_private_fields(tmp_path: Path):
    from intercoop.conftest import make_org

    make_org()
    full, public = tmp_path / "full.csv", tmp_path / "public.csv"
    call_command("export_orgs", format="csv", output=str(full))
    call_command("export_orgs", format="csv", output=str(public), public_only=True)
    assert "hello@riverside.example" in full.read_text()
    assert "hello@riverside.example" not in public.read_text()


@pytest.mark.django_db
def test_create_token(capsys):
    from intercoop.conftest import make_user

    make_user("ana")
    call_command("create_token", "ana")
    assert len(capsys.readouterr().out.strip()) >= 40
    with pytest.raises(CommandError, match="no user 'bob'"):
        call_command("create_token", "bob")
