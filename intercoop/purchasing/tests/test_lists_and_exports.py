"""Lists page (API and pages); CSV exports keep spreadsheets from running formulas, and
`intercoop allocate` names a file it cannot read instead of printing a traceback."""

import csv
import datetime as dt
import io

from django.utils import timezone

from intercoop.cli import main
from intercoop.conftest import client_for, make_org
from intercoop.directory.models import Organization
from intercoop.purchasing import services
from intercoop.purchasing.models import Commitment, Round
from intercoop.purchasing.tests.conftest import join

HEADER = "member,article,case_size,quantity,tolerance,placed_at"


def _rounds(network, n):
    Round.objects.bulk_create(
        Round(network=network, title=f"Round {i:02d}", kind="goods", category="food",
              currency="USD", created_at=timezone.now() - dt.timedelta(minutes=i),
              status="open" if i % 2 else "closed")
        for i in range(n)
    )  # fmt: skip


def test_the_api_pages_a_networks_rounds_and_keeps_the_status_filter(people, network):
    _rounds(network, 5)
    client = client_for(people["admin"])
    page = client.get(f"/api/v1/networks/{network.slug}/rounds?page=2&page_size=2").json()
    assert {k: page[k] for k in ("count", "count_exact", "page", "pages", "page_size")} == {
        "count": 5, "count_exact": True, "page": 2, "pages": 3, "page_size": 2
    }  # fmt: skip
    assert [r["title"] for r in page["results"]] == ["Round 02", "Round 03"]
    closed = client.get(f"/api/v1/networks/{network.slug}/rounds?status=closed").json()
    assert [r["title"] for r in closed["results"]] == ["Round 00", "Round 02", "Round 04"]
    huge = client.get(f"/api/v1/networks/{network.slug}/rounds?page_size=100000").json()
    assert huge["page_size"] == 200
    assert client.get(f"/api/v1/networks/{network.slug}/rounds?status=gone").status_code == 422


def test_the_round_list_page_pages(people, network):
    _rounds(network, 52)
    client = client_for(people["admin"])
    first = client.get(f"/networks/{network.slug}/rounds/")
    assert len(first.context["paged"].page) == 50 and first.context["paged"].count == 52
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(f"/networks/{network.slug}/rounds/?page=2")
    assert [r.title for r in second.context["paged"].page] == ["Round 50", "Round 51"]


def test_the_patronage_csv_writes_names_as_text(people, network, awarded_goods):
    _round, other = awarded_goods
    Organization.objects.filter(pk=other.pk).update(name='=HYPERLINK("http://x.example","Hi")')
    services.patronage_distribute(
        actor=people["coordinator"], network=network,
        values={"title": "Rebate", "currency": "USD", "surplus": 1_000, "cash_percent": 20,
                "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)},
    )  # fmt: skip
    patronage = network.patronage.get()
    body = client_for(people["coordinator"]).get(f"/patronage/{patronage.pk}.csv").content
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[2] == ["'=HYPERLINK(\"http://x.example\",\"Hi\")", "12.00", "4.00", "0.80",
                       "3.20", "USD"]  # fmt: skip


def _allocate(tmp_path, data: bytes, *args):
    source, target = tmp_path / "orders.csv", tmp_path / "result.csv"
    source.write_bytes(data)
    try:
        main(["allocate", "--input", str(source), "--output", str(target), *args])
    except SystemExit as exit:
        return exit.code, None
    return 0, target.read_text().splitlines()


def test_allocate_writes_formula_names_as_text_and_reads_them_back(tmp_path):
    text = f"{HEADER}\n\"=cmd|' /C calc'!A0\",@bread,5,5,0,t1\n'=A1,'-milk,1,2,0,t2\n"
    status, lines = _allocate(tmp_path, text.encode())
    assert status == 0
    assert lines[1:] == ["'=cmd|' /C calc'!A0,'@bread,5,0,5", "'=A1,'-milk,2,0,2"]


def test_allocate_names_a_file_it_cannot_read(tmp_path, capsys):
    latin = f"{HEADER}\nCafé,bread,5,5,0,t1\n".encode("latin-1")
    for data, message in (
        (latin, "line 2, file: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"),
        (f"{HEADER}\n".encode("utf-16"), "line 1, file: the file is UTF-16; save it as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "line 1, file: the file is not text (binary data)"),
        (f"{HEADER}\nA,b,5,{'9' * 200_000},0,t\n".encode(), "line 2, file: unreadable CSV"),
        (f"{HEADER}\nA,b,5,1e30,0,t\n".encode(), "line 2, quantity: '1e30' is more than"),
        (f"{HEADER}\nA,b,99999999,1,0,t\n".encode(), "line 2, case_size: '99999999' is more"),
        (f"{HEADER}\n{'x' * 201},b,5,1,0,t\n".encode(), "line 2, member: is longer than 200"),
    ):
        status, _lines = _allocate(tmp_path, data)
        err = capsys.readouterr().err
        assert status == 1 and message in err, err
        assert "Traceback" not in err
        assert not (tmp_path / "result.csv").exists()


def test_allocate_reads_a_byte_order_mark_and_quoted_lines(tmp_path, capsys):
    text = f'{HEADER}\n"A\nB",bread,5,5,0,t1\nC,bread,5,x,0,t2\n'
    status, _lines = _allocate(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert status == 1
    assert "line 4, quantity: 'x' is not a whole number ≥ 0" in capsys.readouterr().err


def test_a_member_outside_the_network_is_not_found_by_the_pages(people, org, network, waste):
    stranger = make_org(name="Stranger Co-op")
    join(type(network).objects.get(slug="elsewhere"), stranger)
    response = client_for(people["coordinator"]).post(
        f"/rounds/{waste.pk}/commit/", {"member": stranger.slug, "volume": "1",
                                        "current_price": "1"}
    )  # fmt: skip
    assert response.status_code == 404
    assert not Commitment.objects.exists()
