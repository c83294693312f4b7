"""Uploaded and imported files in any encoding or shape get a clear error naming the line
and field, and nothing is written: on the economy page, in the commands and in the
imports' entry points."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from intercoop.conftest import client_for
from intercoop.core.errors import ImportFailed, RowError
from intercoop.network import imports
from intercoop.network.models import EconomyBaseline, Relationship
from intercoop.network.tests.conftest import counts

HEADER = "year,businesses,employment,turnover,currency,source\n"
BAD_FILES = {
    "latin-1": (
        (HEADER + "2024,40,700,100,GBP,Café\n").encode("latin-1"),
        "line 2, file: the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    "utf-16": (
        (HEADER + "2024,40,700,100,GBP,ONS\n").encode("utf-16"),
        "line 1, file: the file is UTF-16; save it as UTF-8",
    ),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "line 1, file: the file is not text (binary data)",
    ),
    "1 MB cell": (
        (HEADER + "2024,40,700,100,GBP," + "x" * 1_000_000 + "\n").encode(),
        "line 2, file: unreadable CSV: field larger than field limit (100000)",
    ),
    "long source": (
        (HEADER + "2024,40,700,100,GBP," + "x" * 99_000 + "\n").encode(),
        "line 2, source: is 99000 characters long; at most 300 are allowed",
    ),
    "huge turnover": (
        (HEADER + "2024,40,700,1e30,GBP,ONS\n").encode(),
        "line 2, turnover: must be between -10^15 and 10^15 minor units",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_the_economy_upload_names_what_is_wrong(people, network, kind):
    data, error = BAD_FILES[kind]
    before = counts()
    page = client_for(people["coordinator"]).post(
        "/networks/valley/economy/", {"file": SimpleUploadedFile("economy.csv", data)}
    )
    assert page.status_code == 200
    assert list(page.context["form"].non_field_errors()) == [error]
    assert counts() == before


def test_utf8_with_a_byte_order_mark_is_read(people, network):
    data = "\ufeff".encode() + (HEADER + "2024,40,700,100.50,GBP,ONS\n").encode()
    client_for(people["coordinator"]).post(
        "/networks/valley/economy/", {"file": SimpleUploadedFile("economy.csv", data)}
    )
    assert list(EconomyBaseline.objects.values_list("year", "turnover", "source")) == [
        (2024, 10050, "ONS")
    ]


@pytest.mark.parametrize("kind", ["latin-1", "utf-16", "binary", "1 MB cell"])
def test_the_commands_report_bad_files_without_a_traceback(network, tmp_path, capsys, kind):
    data, error = BAD_FILES[kind]
    path = tmp_path / "file.csv"
    relationships = data.replace(HEADER[:-1].encode(), b"From,To,Type,Formality,Start,Notes")
    for command, content, options in [
        ("import_baseline", data, {"network": "valley"}),
        ("import_relationships", relationships, {}),
    ]:
        path.write_bytes(content)
        with pytest.raises(CommandError) as refused:
            call_command(command, str(path), **options)
        assert str(refused.value) == "1 bad row(s); nothing was imported (file.csv)"
        assert capsys.readouterr().err.strip() == error
    assert (Relationship.objects.count(), EconomyBaseline.objects.count()) == (0, 0)


def test_an_over_long_cell_in_a_relationships_file_names_its_field(people, sides):
    ends = f"{sides['org'].slug},{sides['bakery'].slug}"
    text = (
        "From,To,Type,Notes\n"
        f"{ends},informal,{'n' * 6000}\n"
        f"{'x' * 300},{sides['bakery'].slug},informal,\n"
        f"{ends},supplies,bread\x00\n"
    )
    # (a NUL byte near the start of a file is binary data: read_upload refuses the file)
    with pytest.raises(ImportFailed) as failure:
        imports.relationships_import(
            actor=people["coordinator"], stream=io.StringIO(text), network=sides["network"]
        )
    assert failure.value.errors == [
        RowError(2, "Notes", "is 6000 characters long; at most 5000 are allowed"),
        RowError(3, "From", "is longer than 200 characters"),
        RowError(4, "Notes", "contains a control character"),
    ]
    assert not Relationship.objects.exists()


def test_the_import_entry_points_for_the_imports_page(people, sides):
    ends = f"{sides['org'].slug},{sides['bakery'].slug}"
    outcome = imports.relationships_import_job(
        actor=people["coordinator"],
        text=f"From,To,Type\n{ends},informal\n{ends},gossip\n",
        network_slug="valley",
        skip_bad_rows=True,
    )
    assert outcome.counts == {"created": 1, "updated": 0}
    assert [e.line for e in outcome.skipped] == [3]
    assert Relationship.objects.get().network == sides["network"]
    years = imports.baselines_import_job(
        actor=people["coordinator"],
        text="year,businesses,employment,turnover,currency\n2024,40,700,1,GBP\n",
        network_slug="valley",
    )
    assert years.counts == {"created": 1}
    with pytest.raises(ImportFailed):
        imports.baselines_import_job(actor=people["coordinator"], text="x", network_slug="")
    may = imports.may_import_relationships
    assert (may(people["coordinator"], "valley"), may(people["coordinator"], "elsewhere")) == (
        True,
        False,
    )
    assert (may(people["coordinator"], ""), may(people["admin"], "")) == (True, False)
    assert imports.survey_networks(people["coordinator"]) == [("valley", "Valley Network")]
