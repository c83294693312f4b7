import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed, RowError
from intercoop.directory import services as directory
from intercoop.network.exporters import FORMATS
from intercoop.network.imports import relationships_import
from intercoop.network.models import Relationship

HEADER = "From,To,Type,Formality,Start,End,Value,Currency,Description\n"


@pytest.fixture
def orgs(db):
    return {
        "mill": make_org(name="Mill Bakery", slug="mill", external_id="R1"),
        "homes": make_org(name="Canal Homes", slug="homes"),
        "farm": make_org(name="Dale Growers", slug="farm"),
    }


def run(text, **kw):
    return relationships_import(actor=kw.pop("actor", None) or system_actor(),
                                stream=io.StringIO(text), **kw)  # fmt: skip


def test_ends_by_slug_identifier_or_exact_name(orgs, network):
    report = run(
        HEADER
        + "mill,homes,Supplies,contract,2020-01-01,,12000.50,gbp,Bread for the tenants\n"
        + "R1,Dale Growers,joint project,,,,,,\n",
        network=network,
    )
    assert (report.created, report.updated) == (2, 0)
    bread = Relationship.objects.get(kind="supplies")
    assert (bread.source, bread.target, bread.formality) == (
        orgs["mill"],
        orgs["homes"],
        "contract",
    )
    assert (bread.annual_value, bread.currency, bread.status) == (1200050, "GBP", "survey")
    assert bread.started_on == dt.date(2020, 1, 1) and bread.notes == "Bread for the tenants"
    assert Relationship.objects.get(kind="joint_project").target == orgs["farm"]
    again = run(HEADER + "mill,homes,supplies,written agreement,,,,,\n", network=network)
    assert (again.created, again.updated) == (0, 1)
    assert Relationship.objects.get(kind="supplies").formality == "written_agreement"


@pytest.mark.parametrize(
    ("row", "errors"),
    [
        (
            "mill,nowhere,supplies,,,,,,\n",
            [RowError(2, "To", "no organisation has the slug, identifier or name 'nowhere'")],
        ),
        (
            "mill,homes,gossip,,,,,,\n",
            [
                RowError(
                    2,
                    "Type",
                    "'gossip' is not one of supplies, shared_service, member_of, "
                    "mentorship, investment, joint_project, incubated, informal, other",
                )
            ],
        ),
        (
            "mill,mill,supplies,,,,,,\n",
            [RowError(2, "To", "a relationship joins two different organisations")],
        ),
        (
            "mill,homes,supplies,,2021-01-01,2020-01-01,,,\n",
            [RowError(2, "End", "is before the start")],
        ),
        (
            "mill,homes,supplies,,,,12.345,GBP,\n",
            [RowError(2, "Value", "'12.345' has too many decimals for GBP")],
        ),
        ("mill,homes,supplies,,,,100,,\n", [RowError(2, "Currency", "a value needs its currency")]),
        (",homes,supplies,,,,,,\n", [RowError(2, "From", "is required")]),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_written(orgs, row, errors):
    with pytest.raises(ImportFailed) as failure:
        run(HEADER + "homes,farm,informal,,,,,,\n" + row)  # the bad row is on line 3
    assert failure.value.errors == [RowError(3, e.field, e.reason) for e in errors]
    assert not Relationship.objects.exists()


def test_an_ambiguous_name_asks_for_the_slug(orgs):
    make_org(name="Canal Homes", slug="homes-2")
    with pytest.raises(ImportFailed) as failure:
        run(HEADER + "mill,Canal Homes,supplies,,,,,,\n")
    assert failure.value.errors == [
        RowError(2, "To", "'Canal Homes' names 2 organisations: use the slug")
    ]


def test_missing_columns_and_the_command(orgs, tmp_path, capsys):
    path = tmp_path / "ties.csv"
    path.write_text("From,To\nmill,homes\n")
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_relationships", str(path))
    assert capsys.readouterr().err.strip() == "line 1, Type: required column is missing"
    path.write_text(HEADER + "mill,homes,mentorship,,,,,,\n")
    call_command("import_relationships", str(path))
    assert "1 created, 0 updated" in capsys.readouterr().out


@pytest.fixture
def ties(orgs):
    run(
        HEADER
        + 'mill,homes,supplies,contract,2020-01-01,,12000.50,GBP,"Bread, daily"\n'
        + "homes,farm,informal,,,,,,\n"
    )
    return Relationship.objects.select_related("source", "target").order_by("pk")


def export(format, ties):
    buffer = io.StringIO()
    FORMATS[format][0](ties, buffer)
    return buffer.getvalue()


def test_csv_export_imports_back(ties):
    text = export("csv", ties)
    before = list(ties.values("source", "target", "kind", "formality", "annual_value", "notes"))
    Relationship.objects.all().delete()
    run(text)
    assert (
        list(
            Relationship.objects.order_by("pk").values(
                "source", "target", "kind", "formality", "annual_value", "notes"
            )
        )
        == before
    )


def test_graphml_and_gexf_are_well_formed(ties):
    graphml = ET.fromstring(export("graphml", ties))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graphml.findall(".//g:node", ns)) == 3
    edges = graphml.findall(".//g:edge", ns)
    assert [(e.get("source"), e.get("target")) for e in edges] == [
        ("mill", "homes"),
        ("homes", "farm"),
    ]
    gexf = ET.fromstring(export("gexf", ties))
    assert len(gexf.findall(".//{http://gexf.net/1.3}edge")) == 2


def test_kumu_json(ties):
    document = json.loads(export("kumu", ties))
    assert {e["id"] for e in document["elements"]} == {"mill", "homes", "farm"}
    assert (document["connections"][0]["from"], document["connections"][0]["type"]) == (
        "mill",
        "Supplies / buys from",
    )


def test_network_metrics_command(ties, network, tmp_path, orgs):
    for org in orgs.values():
        directory.network_member_join(
            actor=system_actor(), network=network, organization=org, joined_on=dt.date(2019, 1, 1)
        )
    output = tmp_path / "metrics.csv"
    call_command("network_metrics", network="valley", as_of="2026-01-01", output=str(output))
    lines = output.read_text().splitlines()
    assert lines[0] == (
        "organization,external_id,degree,in_degree,out_degree,betweenness,"
        "closeness,pagerank,coreness,clustering,community,articulation_point"
    )
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["homes"][2:5] == ["2", "1", "1"] and rows["homes"][-1] == "true"
    assert rows["mill"][1] == "R1" and rows["mill"][5] == "0"
    # the supply tie started in 2020: in 2019 only the informal tie counts
    call_command("network_metrics", network="valley", as_of="2019-06-01", output=str(output))
    early = {line.split(",")[0]: line.split(",") for line in output.read_text().splitlines()[1:]}
    assert early["mill"][2] == "0" and early["homes"][2] == "1"
