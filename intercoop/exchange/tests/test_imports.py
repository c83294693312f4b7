"""Uploads of offers, needs and challenges: any encoding or shape gets a clear error naming
the line, nothing is written; bounded values per row; CSV exports keep formulas inert."""

import pytest
from django.core.management import CommandError, call_command

from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed, RowError
from intercoop.exchange.imports import exchange_import_file
from intercoop.exchange.models import ExchangeItem
from intercoop.exchange.tests.conftest import snapshot

HEADER = "organization,kind,category,title,description,tags,annual_spend,currency\n"
GOOD = "riverside-bakery-co-op,offer,food,Crème brûlée,,,,\n"


def refused(data: bytes) -> list[RowError]:
    with pytest.raises(ImportFailed) as failure:
        exchange_import_file(actor=system_actor(), data=data)
    return failure.value.errors


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ((HEADER + GOOD).encode("latin-1"),
         RowError(2, "file", "the file is not UTF-8 text (byte 0xe8); save it as UTF-8")),
        ((HEADER + GOOD).encode("utf-16"),
         RowError(1, "file", "the file is UTF-16; save it as UTF-8")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         RowError(1, "file", "the file is not text (binary data)")),
        ((HEADER + "riverside-bakery-co-op,offer,food,T," + "x" * 1_000_000 + ",,,\n").encode(),
         RowError(2, "file", "unreadable CSV: field larger than field limit (100000)")),
        (b"", RowError(1, "header", "the file is empty")),
        (b"name,city\nA,B\n", RowError(1, "category", "required column is missing")),
    ],
)  # fmt: skip
def test_bad_files_are_named_and_nothing_is_written(world, data, error):
    before = snapshot()
    assert refused(data)[0] == error
    assert snapshot() == before


def test_utf8_with_or_without_a_bom_is_read(world):
    for data in [(HEADER + GOOD).encode(), (HEADER + GOOD).encode("utf-8-sig")]:
        assert exchange_import_file(actor=system_actor(), data=data).count == 1
    assert ExchangeItem.objects.filter(title="Crème brûlée").count() == 2


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("riverside-bakery-co-op,need,it,T,,,1e30,USD\n",
         RowError(3, "annual_spend", "must be between -10^15 and 10^15 minor units")),
        ("riverside-bakery-co-op,need,it,T,,,92233720368547758.07,USD\n",
         RowError(3, "annual_spend", "must be between -10^15 and 10^15 minor units")),
        ("riverside-bakery-co-op,need,it,T,,,-5,USD\n",
         RowError(3, "annual_spend", "must be between 0 and 10^15 minor units")),
        ("riverside-bakery-co-op,need,it,T,,,5,XXQ\n",
         RowError(3, "currency", "'XXQ' is not an ISO 4217 currency code")),
        ("riverside-bakery-co-op,need,it,\"T\x07\",,,,\n",
         RowError(3, "title", "contains a control character")),
        ("riverside-bakery-co-op,need,it," + "x" * 201 + ",,,,\n",
         RowError(3, "title", "is 201 characters long; at most 200 are allowed")),
        ("riverside-bakery-co-op,need,it,T," + "x" * 5001 + ",,,\n",
         RowError(3, "description", "is 5001 characters long; at most 5000 are allowed")),
    ],
)  # fmt: skip
def test_out_of_bounds_rows_are_named(world, row, error):
    before = snapshot()
    assert refused((HEADER + GOOD + row).encode()) == [error]
    assert snapshot() == before


def test_a_nul_byte_in_a_cell_is_named(world):
    import io

    from intercoop.exchange.imports import exchange_import

    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        exchange_import(actor=system_actor(), stream=io.StringIO(
            HEADER + "riverside-bakery-co-op,need,it,T\x00,,,,\n"))  # fmt: skip
    assert failure.value.errors == [RowError(2, "title", "contains a control character")]
    assert snapshot() == before


def test_skip_bad_rows_imports_the_good_ones(world):
    imported = exchange_import_file(
        actor=system_actor(),
        data=(HEADER + GOOD + "riverside-bakery-co-op,need,it,T,,,5,XXQ\n").encode(),
        skip_bad_rows=True,
    )
    assert imported.count == 1
    assert imported.skipped == [RowError(3, "currency", "'XXQ' is not an ISO 4217 currency code")]


def test_the_command_reports_bad_files_without_a_traceback(world, tmp_path, capsys):
    path = tmp_path / "offers.csv"
    path.write_bytes((HEADER + GOOD).encode("utf-16"))
    before = snapshot()
    with pytest.raises(CommandError, match=r"1 bad row\(s\); nothing was imported \(offers.csv\)"):
        call_command("import_exchange", str(path))
    assert "line 1, file: the file is UTF-16; save it as UTF-8" in capsys.readouterr().err
    assert snapshot() == before
    path.write_bytes((HEADER + GOOD).encode())
    call_command("import_exchange", str(path))
    assert capsys.readouterr().out == "1 imported\n"


def test_matches_csv_keeps_formulas_inert(world, capsys, monkeypatch):
    from intercoop.exchange import matching
    from intercoop.exchange.management.commands import matches

    planted = matching.Match(
        organization="=HYPERLINK(\"http://evil.example\")", score=1.0,
        explanation="+1 cell", offer=None,
    )  # fmt: skip
    monkeypatch.setattr(matches, "business_matches_for", lambda **kwargs: [planted])
    call_command("matches", org=world.org.slug, kind="business", format="csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "rank,organization,score,explanation",
        '1,"\'=HYPERLINK(""http://evil.example"")",1.0,\'+1 cell',
    ]
