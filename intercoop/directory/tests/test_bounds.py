"""Out-of-bounds organisation values: the field's error on the page form, 400/422 naming
the field in the API, a row error in imports; never a 500, and nothing written."""

import datetime as dt
import io

import pytest

from intercoop.conftest import client_for
from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed
from intercoop.core.models import AuditEvent
from intercoop.directory.fields import clean_organization
from intercoop.directory.importers import FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import Organization

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
HUGE = [10**16, 9223372036854775807, 1e30]


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"turnover": 10**16, "turnover_currency": "USD"}, "turnover", "must be between 0 and 10^15 minor units"),
        ({"turnover": 9223372036854775807, "turnover_currency": "USD"}, "turnover", "must be between 0 and 10^15 minor units"),
        ({"turnover": 1e30, "turnover_currency": "USD"}, "turnover", "must be between 0 and 10^15 minor units"),
        ({"turnover": "1e30", "turnover_currency": "USD"}, "turnover", "'1e30' is not a whole number"),
        ({"turnover": -1, "turnover_currency": "USD"}, "turnover", "must not be negative"),
        ({"turnover": 100, "turnover_currency": "XXQ"}, "turnover_currency", "'XXQ' is not an ISO 4217 currency code"),
        ({"employees": 1e30}, "employees", "must be at most 10^9"),
        ({"employees": 9223372036854775807}, "employees", "must be at most 10^9"),
        ({"number_of_members": 10**16}, "number_of_members", "must be at most 10^9"),
        ({"employees": float("inf")}, "employees", "inf is not a whole number"),
        ({"founded_on": TOMORROW}, "founded_on", "cannot be in the future"),
        ({"founded_on": "0001-01-01"}, "founded_on", "must be between 1800-01-01 and 2200-12-31"),
        ({"name": "Bad\x00Name"}, "name", "contains a control character"),
        ({"locality": "Leeds\x07"}, "locality", "contains a control character"),
        ({"tags": ["ok", "bad\x00"]}, "tags", "contains a control character"),
        ({"description": "x" * 5001}, "description", "is longer than 5000 characters"),
        ({"legal_form": "x" * 101}, "legal_form", "is longer than 100 characters"),
        ({"email": "a" * 250 + "@example.org"}, "email", "is longer than 254 characters"),
        ({"tags": [f"t{n}" for n in range(51)]}, "tags", "at most 50 tags"),
    ],
)  # fmt: skip
def test_the_one_cleaner_bounds_every_field(values, field, reason):
    _, errors = clean_organization({"name": "A co-op"} | values)
    assert errors == {field: reason}


def test_bounds_at_their_limits_are_accepted():
    clean, errors = clean_organization(
        {
            "name": "x" * 200,
            "description": "line one\nline two\ttabbed\r\n" + "x" * 4970,
            "turnover": 10**15,
            "turnover_currency": "jpy",
            "employees": 10**9,
            "founded_on": dt.date.today().isoformat(),
        }
    )
    assert errors == {}
    assert (clean["turnover"], clean["turnover_currency"]) == (10**15, "JPY")


def _nothing_written(before: int) -> None:
    assert Organization.objects.count() == before
    assert (
        not AuditEvent.objects.filter(action="organization.create")
        .exclude(
            object_id__in=[str(pk) for pk in Organization.objects.values_list("pk", flat=True)]
        )
        .exists()
    )


API_CASES = (
    [({"turnover": value, "turnover_currency": "USD"}, "turnover") for value in [*HUGE, -5]]
    + [({"employees": value}, "employees") for value in HUGE]
    + [
        ({"number_of_members": 10**16}, "number_of_members"),
        ({"turnover": 100, "turnover_currency": "XXQ"}, "turnover_currency"),
        ({"name": "Bad\x00Name"}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"street": "x" * 256}, "street"),
        ({"tags": ["x" * 101]}, "tags.0"),
        ({"founded_on": TOMORROW}, "founded_on"),
        ({"latitude": 1e30, "longitude": 0}, "latitude"),
    ]
)


@pytest.mark.parametrize(("values", "field"), API_CASES)
def test_the_api_names_the_field_and_writes_nothing(people, org, values, field):
    client = client_for(people["staff"])
    before = Organization.objects.count()
    created = client.post(
        "/api/v1/organizations", {"name": "Bounded"} | values, content_type="application/json"
    )
    assert created.status_code in {400, 422}, created.content
    assert created.json()["field"] == field
    _nothing_written(before)
    patched = client.patch(
        f"/api/v1/organizations/{org.slug}", values, content_type="application/json"
    )
    assert patched.status_code in {400, 422}
    assert patched.json()["field"] == field
    org.refresh_from_db()
    assert (org.name, org.turnover, org.employees, org.description) == (
        "Riverside Bakery Co-op",
        None,
        None,
        "",
    )


FORM_CASES = [
    ({"turnover": "1e30", "turnover_currency": "USD"}, "turnover"),
    ({"turnover": "10000000000000000", "turnover_currency": "USD"}, "turnover"),
    ({"turnover": "-5", "turnover_currency": "USD"}, "turnover"),
    ({"turnover": "100", "turnover_currency": "XXQ"}, "turnover_currency"),
    ({"employees": "9223372036854775807"}, "employees"),
    ({"employees": "1e30"}, "employees"),
    ({"number_of_members": "10000000000000000"}, "number_of_members"),
    ({"name": "Bad\x00Name"}, "name"),
    ({"locality": "Leeds\x1b"}, "locality"),
    ({"description": "x" * 5001}, "description"),
    ({"founded_on": TOMORROW}, "founded_on"),
]


@pytest.mark.parametrize(("values", "field"), FORM_CASES)
def test_the_page_form_shows_the_fields_error_and_writes_nothing(people, values, field):
    client = client_for(people["outsider"])
    before = Organization.objects.count()
    response = client.post("/orgs/add/", {"name": "Bounded", "status": "active"} | values)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    _nothing_written(before)


def test_an_import_names_the_row_and_field_of_an_out_of_bounds_value(db):
    text = "name,turnover,turnover_currency\nFine,100,USD\nHuge,1e30,USD\nOdd,5,XXQ\n"
    with pytest.raises(ImportFailed) as failed:
        organizations_import(
            records=FORMATS["plain"](io.StringIO(text)),
            format="plain",
            filename="x.csv",
            actor=system_actor(),
        )
    assert [(e.line, e.field) for e in failed.value.errors] == [
        (3, "turnover"),
        (4, "turnover_currency"),
    ]
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "Bad\x00Name"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "   "}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"kind": "cartel"}, "kind"),
        ({"slug": "Not A Slug"}, "slug"),
    ],
)
def test_network_values_are_bounded(db, values, field):
    from intercoop.core.errors import DomainError
    from intercoop.directory import services
    from intercoop.directory.models import Network

    arguments = {"slug": "new", "name": "New Network"} | values
    with pytest.raises(DomainError) as refused:
        services.network_create(actor=system_actor(), **arguments)
    assert refused.value.field == field
    assert not Network.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name\nCaf\xe9 Co-op\n".encode("latin-1"), "line 2, file: the file is not UTF-8 text"),
        ("name\nCafé\n".encode("utf-16"), "line 1, file: the file is UTF-16; save it as UTF-8"),
        (b"\x00\x01\x02binary", "line 1, file: the file is not text (binary data)"),
    ],
)
def test_the_cli_names_a_file_that_is_not_utf8_and_imports_nothing(
    db, tmp_path, capsys, data, message
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "orgs.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_orgs", str(path), format="plain")
    assert message in capsys.readouterr().err
    assert not Organization.objects.exists()


def test_the_cli_imports_as_the_system_actor(db, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "orgs.csv"
    path.write_text("name\nCafé Co-op\n", encoding="utf-8-sig")
    call_command("import_orgs", str(path), format="plain")
    event = AuditEvent.objects.get(action="organization.import")
    assert (event.actor_name, event.summary) == (
        "intercoop-system",
        "orgs.csv: 1 created, 0 updated",
    )
    assert Organization.objects.get().name == "Café Co-op"
