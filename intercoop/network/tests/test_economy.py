import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intercoop.conftest import client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.network.models import EconomyBaseline
from intercoop.network.selectors import cooperative_share


@pytest.fixture
def region(db, network):
    for name, coop, employees, turnover in [
        ("Bakery", True, 10, 500_000_00),
        ("Homes", True, 4, None),
        ("Church", False, 3, 90_000_00),
    ]:
        org = make_org(
            name=name,
            is_cooperative=coop,
            employees=employees,
            turnover=turnover,
            turnover_currency="GBP" if turnover else "",
        )
        directory.network_member_join(
            actor=system_actor(), network=network, organization=org, joined_on=dt.date(2020, 1, 1)
        )
    return network  # fmt: skip


def test_share_by_count_employment_and_turnover(region, people):
    client = client_for(people["coordinator"])
    client.post("/networks/valley/economy/", {
        "year": "2024", "businesses": "40", "employment": "700", "turnover": "10000000",
        "currency": "gbp", "source": "ONS 2024"})  # fmt: skip
    share = cooperative_share(network=region)
    # the two co-ops (the church is an ally); turnover known for one, in pounds
    assert (share["count"], share["employment"], share["turnover"]) == (2, 14, 500_000_00)
    assert (share["count_share"], share["employment_share"], share["turnover_share"]) == (
        0.05,
        0.02,
        0.05,
    )
    page = client_for(None).get("/networks/valley/economy/?partial=1")
    assert "5.0%" in page.content.decode() and "ONS 2024" in page.content.decode()


def test_csv_upload_and_row_errors(region, people):
    client = client_for(people["coordinator"])
    good = b"year,businesses,employment,turnover,currency,source\n2023,38,680,9500000.00,GBP,ONS\n2024,40,700,10000000,GBP,ONS\n"
    client.post("/networks/valley/economy/", {"file": SimpleUploadedFile("b.csv", good)})
    assert list(EconomyBaseline.objects.values_list("year", "turnover")) == [
        (2024, 10_000_000_00),
        (2023, 9_500_000_00),
    ]
    bad = b"year,businesses,employment,turnover,currency\n2025,0,700,12.345,GBP\n2026,abc,1,1,GBP\n"
    page = client.post("/networks/valley/economy/", {"file": SimpleUploadedFile("b.csv", bad)})
    errors = page.context["form"].non_field_errors()
    assert list(errors) == [
        "line 2, turnover: '12.345' has too many decimals for GBP",
        "line 3, businesses: is not a whole number",
    ]
    assert EconomyBaseline.objects.count() == 2


@pytest.mark.parametrize("who", ["anonymous", "outsider", "admin", "other_coordinator"])
def test_only_coordinators_record_the_economy(region, people, who):
    response = client_for(people[who]).post(
        "/networks/valley/economy/",
        {
            "year": "2024",
            "businesses": "40",
            "employment": "700",
            "turnover": "1",
            "currency": "GBP",
        },
    )
    assert response.status_code == 403
    assert not EconomyBaseline.objects.exists()


def test_import_baseline_command(region, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "economy.csv"
    path.write_text("year,businesses,employment,turnover,currency\n2024,40,700,100,GBP\n")
    call_command("import_baseline", str(path), network="valley")
    assert "1 year(s) recorded" in capsys.readouterr().out
    assert EconomyBaseline.objects.get().turnover == 100_00
