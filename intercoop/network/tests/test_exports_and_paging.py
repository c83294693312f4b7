"""CSV exports keep text cells from running as spreadsheet formulas (and import back to
the same text); the API's list of relationships pages like every other list."""

import csv
import datetime as dt
import io

from django.core.management import call_command

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.network import services
from intercoop.network.exporters import FORMATS
from intercoop.network.imports import relationships_import
from intercoop.network.models import Relationship

FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_csv_export_neutralises_formulas_and_imports_back(people, sides):
    for kind, notes in zip(
        ["informal", "supplies", "mentorship", "other"],
        [FORMULA, "@SUM(A1)", "-2+3", "plain"],
        strict=True,
    ):
        services.relationship_survey_record(
            actor=people["coordinator"], network=sides["network"], source=sides["org"],
            target=sides["bakery"], values={"kind": kind, "notes": notes},
        )  # fmt: skip
    ties = Relationship.objects.select_related("source", "target").order_by("pk")
    buffer = io.StringIO()
    FORMATS["csv"][0](ties, buffer)
    text = buffer.getvalue()
    assert [row[-1] for row in csv.reader(io.StringIO(text))][1:] == [
        "'" + FORMULA, "'@SUM(A1)", "'-2+3", "plain"
    ]  # fmt: skip
    Relationship.objects.all().delete()
    relationships_import(actor=system_actor(), stream=io.StringIO(text), network=None)
    assert list(Relationship.objects.order_by("pk").values_list("notes", flat=True)) == [
        FORMULA, "@SUM(A1)", "-2+3", "plain"
    ]  # fmt: skip


def test_the_metrics_file_neutralises_formulas(network, tmp_path):
    org = make_org(name="Formula Co-op", external_id="=1+2")
    directory.network_member_join(
        actor=system_actor(), network=network, organization=org, joined_on=dt.date(2020, 1, 1)
    )
    output = tmp_path / "metrics.csv"
    call_command("network_metrics", network="valley", as_of="2026-01-01", output=str(output))
    assert output.read_text().splitlines()[1].split(",")[:3] == ["formula-co-op", "'=1+2", "0"]


def test_the_relationships_list_pages(people, sides):
    for n in range(5):
        services.relationship_survey_record(
            actor=people["coordinator"], network=sides["network"], source=sides["org"],
            target=sides["bakery"], values={"kind": "informal", "notes": str(n),
                                            "visibility": "public"},
        )  # fmt: skip
    client = client_for(None)
    first = client.get("/api/v1/relationships?page_size=2").json()
    assert {k: v for k, v in first.items() if k != "results"} == {
        "count": 5, "count_exact": True, "page": 1, "pages": 3, "page_size": 2
    }  # fmt: skip
    assert [t["notes"] for t in first["results"]] == ["0", "1"]
    last = client.get("/api/v1/relationships?page_size=2&page=3&kind=informal").json()
    assert [t["notes"] for t in last["results"]] == ["4"]
    assert client.get("/api/v1/relationships?page_size=1000").json()["page_size"] == 200
    assert client.get("/api/v1/relationships?kind=supplies").json()["count"] == 0
