import io
import json

import pytest
from django.core.management import CommandError, call_command

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed, InvalidValues, RowError
from intercoop.exchange import services
from intercoop.exchange.imports import exchange_import
from intercoop.exchange.models import ExchangeItem

HEADER = (
    "organization,kind,category,title,description,tags,annual_spend,currency,service_radius_km\n"
)


@pytest.fixture
def orgs(db):
    return {
        "school": make_org(name="St Mary's School", slug="school", is_cooperative=False,
                           organisational_structure="OS220", latitude=53.80, longitude=-1.55),
        "solar": make_org(name="Valley Solar Co-op", slug="solar", external_id="R9",
                          latitude=53.81, longitude=-1.56),
        "grid": make_org(name="Big Grid plc", slug="grid", is_cooperative=False,
                         organisational_structure="OS50", latitude=53.9, longitude=-1.5),
    }  # fmt: skip


def test_import_offers_needs_and_challenges(orgs):
    count = exchange_import(actor=system_actor(), stream=io.StringIO(
        HEADER
        + "school,need,Energy,Solar panels for the roof,We want solar panels installed,solar;roof,12000,GBP,\n"
        + "R9,offer,energy,Solar installation,Solar panels installation for schools,solar,,,40\n"
        + "Big Grid plc,offer,energy,Electricity,Electricity supply contracts,,,,\n"
        + "solar,challenge,succession,Founders retiring,Who takes over?,,,,\n")).count  # fmt: skip
    assert count == 4
    need = ExchangeItem.objects.get(kind="need")
    assert (need.category, need.annual_spend, need.currency, need.tags) == (
        "energy",
        1_200_000,
        "GBP",
        ["solar", "roof"],
    )
    assert ExchangeItem.objects.get(title="Solar installation").service_radius_km == 40


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("nobody,offer,energy,T,,,,,\n", RowError(2, "organization", "no organisation has the slug, identifier or name 'nobody'")),
        ("school,gift,energy,T,,,,,\n", RowError(2, "kind", "'gift' is not one of offer, need, challenge")),
        ("school,offer,jewels,T,,,,,\n", RowError(2, "category", "'jewels' is not one of energy, food, cleaning, printing, it, waste, building, professional, transport, textiles, furniture, care, training, finance, housing, other")),
        ("school,challenge,energy,T,,,,,\n", RowError(2, "category", "'energy' is not one of energy_costs, succession, member_engagement, financing, hiring, governance, digital, premises, growth, supply_chain, other")),
        ("school,offer,energy,,,,,,\n", RowError(2, "title", "is required")),
        ("school,need,energy,T,,,12.345,GBP,\n", RowError(2, "annual_spend", "'12.345' has too many decimals for GBP")),
    ],
)  # fmt: skip
def test_import_reports_bad_rows_and_writes_nothing(orgs, row, error):
    with pytest.raises(ImportFailed) as failure:
        exchange_import(
            actor=system_actor(),
            stream=io.StringIO(HEADER + "solar,offer,energy,Fine,,,,,\n" + row),
        )
    assert failure.value.errors == [RowError(3, error.field, error.reason)]
    assert not ExchangeItem.objects.exists()


def test_service_refuses_bad_values(orgs):
    with pytest.raises(InvalidValues) as refused:
        services.exchange_item_create(
            actor=system_actor(),
            organization=orgs["solar"],
            values={"kind": "offer", "category": "energy", "title": "Panels", "coop_discount": 150},
        )
    assert refused.value.errors == {"coop_discount": "is a percentage, at most 100"}


def test_matches_command_ranks_the_co_op_next_door_first(orgs, capsys):
    services.exchange_item_create(
        actor=system_actor(),
        organization=orgs["school"],
        values={"kind": "need", "category": "energy", "title": "Solar panels for the school roof"},
    )
    services.exchange_item_create(
        actor=system_actor(),
        organization=orgs["solar"],
        values={
            "kind": "offer",
            "category": "energy",
            "title": "Solar panels installation",
            "service_radius_km": 50,
            "coop_discount": 10,
        },
    )
    services.exchange_item_create(actor=system_actor(), organization=orgs["grid"], values={
        "kind": "offer", "category": "energy", "title": "Electricity supply"})  # fmt: skip
    call_command("matches", org="school", kind="business", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["organization"] for r in rows] == ["solar", "grid"]
    assert rows[0]["rank"] == 1 and rows[0]["score"] > rows[1]["score"]
    assert rows[0]["explanation"] == (
        "same category (Energy); both mention “solar”, “panels”; "
        "1 km apart, within its 50 km service area; a co-op offering 10% to co-ops"
    )
    call_command("matches", org="school", kind="business", format="csv", limit=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rank,organization,score,explanation" and lines[1].startswith("1,solar,")
    with pytest.raises(CommandError, match="no organisation with slug 'nobody'"):
        call_command("matches", org="nobody", kind="peer")


def test_peer_matches_from_shared_challenges(orgs, capsys):
    for org in ("school", "solar"):
        services.exchange_item_create(actor=system_actor(), organization=orgs[org], values={
            "kind": "challenge", "category": "succession", "title": "Succession"})  # fmt: skip
    call_command("matches", org="solar", kind="peer", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["organization"] == "school"
    assert rows[0]["explanation"].startswith("both work on succession")
