import io
import json

import pytest

from intercoop.conftest import SHARED_DATA, make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import ImportFailed, RowError
from intercoop.directory.importers import FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import ImportRun, NetworkMembership, Organization

UK_FILE = SHARED_DATA / "coops" / "uk-coops-sea-standard-2023Q2.csv"
SEA_HEADER = (
    "Identifier,Name,Description,Organisational Structure,Primary Activity,Activities,"
    "Street Address,Locality,Region,Postcode,Country ID,Territory ID,Website,Phone,Email,"
    "Twitter,Facebook,Companies House Number,Qualifiers,Membership Type,Latitude,Longitude,"
    "Geo Container,Geo Container Latitude,Geo Container Longitude,Sector,SIC Section,SIC Code,"
    "Ownership Classification,Legal Form\n"
)
OS = "https://dev.lod.coop/essglobal/2.1/standard/organisational-structure/"
ICA = "https://dev.lod.coop/essglobal/2.1/standard/activities-ica/"
BMT = "https://dev.lod.coop/essglobal/2.1/standard/base-membership-type/"


def sea_row(identifier="R1", name="Bread Co-op", structure="OS60", lat="", geo_lat="53.8", **kw):
    cells = {
        "street": '"1 Mill Lane\nUpper Floor"',
        "locality": "Leeds",
        "country": "GB",
        "email": "",
        "activity": f"{ICA}ICA120",
        "bmt": f"{BMT}BMT30",
    } | kw
    return (
        f"{identifier},{name},,{OS}{structure},{cells['activity']},,{cells['street']},"
        f"{cells['locality']},,LS1 1AA,{cells['country']},,,,{cells['email']},,,07654321,,"
        f"{cells['bmt']},{lat},,pc,{geo_lat},-1.55,Food,,,Workers,Society\n"
    )


def run_import(text, format="sea", **kw):
    return organizations_import(
        records=FORMATS[format](io.StringIO(text)),
        format=format,
        filename="test.csv",
        **({"actor": system_actor()} | kw),
    )


@pytest.mark.django_db
def test_a_good_sea_file_imports_with_codes_mapped():
    report = run_import(SEA_HEADER + sea_row() + sea_row("R2", "Homes Co-op", "OS70"))
    assert (report.created, report.updated, report.skipped) == (2, 0, [])
    bread = Organization.objects.get(external_id="R1")
    assert bread.organisational_structure == "OS60"
    assert bread.primary_activity == "ICA120"
    assert bread.base_membership_type == "BMT30"
    assert bread.street == "1 Mill Lane, Upper Floor"
    assert (bread.latitude, bread.longitude) == (53.8, -1.55)  # postcode centre stands in
    assert (bread.registrar, bread.registration_number) == ("Companies House", "07654321")
    assert bread.legal_form == "Society" and bread.tags == ["Food"]
    assert bread.import_run == report.run and bread.approval == "approved"
    assert bread.slug == "bread-co-op"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "line", "field", "reason"),
    [
        (sea_row(name=""), 2, "Name", "is required"),
        (
            sea_row(structure="OS999"),
            2,
            "Organisational Structure",
            f"unknown ESSGlobal organisational structure code '{OS}OS999'",
        ),
        (
            sea_row(activity="Juggling"),
            2,
            "Primary Activity",
            "unknown ESSGlobal activity code 'Juggling'",
        ),
        (sea_row(geo_lat="123"), 2, "Geo Container Latitude", "123.0 is outside -90..90"),
        (sea_row(lat="north", geo_lat=""), 2, "Latitude", "'north' is not a number"),
        (sea_row(country="ZZ"), 2, "Country ID", "'ZZ' is not an ISO 3166 country code"),
        (sea_row(email="nobody"), 2, "Email", "'nobody' is not an e-mail address"),
        ("R9,too,few,cells\n", 2, "row", "has 4 cells, the header has 30"),
    ],
)
def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(row, line, field, reason):
    good = sea_row("R0", "Good Co-op")
    with pytest.raises(ImportFailed) as failure:
        run_import(SEA_HEADER + good + row)
    # the good row spans two lines (a quoted multi-line address), so the bad row starts on 4
    assert failure.value.errors == [RowError(line + 2, field, reason)]
    assert Organization.objects.count() == 0
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_a_repeated_identifier_names_the_first_line():
    with pytest.raises(ImportFailed) as failure:
        run_import(SEA_HEADER + sea_row("R1") + sea_row("R1", "Other"))
    assert failure.value.errors == [RowError(4, "Identifier", "'R1' repeats line 2")]


@pytest.mark.django_db
def test_a_missing_required_column_is_an_error_on_the_header():
    with pytest.raises(ImportFailed) as failure:
        run_import("Name,Locality\nA,B\n")
    assert failure.value.errors == [RowError(1, "Identifier", "required column is missing")]


@pytest.mark.django_db
def test_skip_bad_rows_imports_the_good_ones_and_reports_the_bad():
    report = run_import(
        SEA_HEADER + sea_row("R1") + sea_row("R2", name="") + sea_row("R3", "Third"),
        skip_bad_rows=True,
    )
    assert report.created == 2
    assert report.skipped == [RowError(4, "Name", "is required")]
    assert report.run is not None and report.run.skipped_count == 1
    assert set(Organization.objects.values_list("external_id", flat=True)) == {"R1", "R3"}


@pytest.mark.django_db
def test_reimporting_the_same_file_updates_instead_of_duplicating(network):
    text = SEA_HEADER + sea_row("R1") + sea_row("R2", "Homes Co-op", "OS70")
    run_import(text, network=network)
    again = run_import(text, network=network)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import(text.replace("Homes Co-op", "Homes Co-operative"), network=network)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Organization.objects.count() == 2
    homes = Organization.objects.get(external_id="R2")
    assert homes.name == "Homes Co-operative" and homes.import_run == changed.run
    assert NetworkMembership.objects.filter(network=network, status="member").count() == 2


@pytest.mark.django_db
def test_plain_layout_matches_on_slug_and_refuses_unknown_columns():
    make_org(name="Existing", slug="existing")
    report = run_import("slug,name,locality\nexisting,Existing,York\n,New One,Hull\n", "plain")
    assert (report.created, report.updated) == (1, 1)
    assert Organization.objects.get(slug="existing").locality == "York"
    with pytest.raises(ImportFailed) as failure:
        run_import("name,colour\nA,red\n", "plain")
    assert failure.value.errors == [RowError(1, "colour", "unknown column in the plain layout")]


@pytest.mark.django_db
def test_murmurations_profiles_import_with_our_addon_fields():
    profiles = [
        {
            "linked_schemas": ["organizations_schema-v1.0.0"],
            "name": "Solar Co-op",
            "primary_url": "https://solar.example",
            "geolocation": {"lat": 51.5, "lon": -0.1},
            "country_iso_3166": "GB",
            "tags": ["energy"],
            "status": "in_planning",
            "starts_at": 946684800,
            "organisational_structure": "OS80",
        },
        {"name": "", "primary_url": "https://bad.example"},
    ]
    with pytest.raises(ImportFailed) as failure:
        run_import(json.dumps({"data": profiles}), "murmurations")
    assert failure.value.errors == [RowError(2, "name", "is required")]
    report = run_import(json.dumps(profiles[:1]), "murmurations")
    solar = Organization.objects.get()
    assert report.created == 1
    assert (solar.external_id, solar.website, solar.status) == (
        "https://solar.example",
        "https://solar.example",
        "forming",
    )
    assert solar.founded_on.isoformat() == "2000-01-01"
    assert solar.organisational_structure == "OS80" and solar.tags == ["energy"]


@pytest.mark.django_db
def test_invalid_json_is_reported_with_its_line():
    with pytest.raises(ImportFailed) as failure:
        run_import('[\n{"name": "A"},\n{oops}\n]', "murmurations")
    assert failure.value.errors[0].line == 3 and failure.value.errors[0].field == "file"


@pytest.mark.django_db
def test_the_real_uk_file_imports_completely_with_codes_mapped():
    with UK_FILE.open(encoding="utf-8-sig", newline="") as stream:
        report = organizations_import(
            records=FORMATS["sea"](stream),
            format="sea",
            filename=UK_FILE.name,
            actor=system_actor(),
        )
    assert (report.created, report.skipped) == (7387, [])
    organizations = Organization.objects
    assert organizations.count() == 7387
    assert organizations.filter(organisational_structure="OS130").count() == 6179
    assert organizations.filter(primary_activity="ICA280").count() == 3476
    assert organizations.filter(base_membership_type="BMT10").count() == 3151
    assert organizations.filter(latitude__isnull=False).count() == 7387 - 297
    assert organizations.filter(country="JE").count() == 2
    maesteg = organizations.get(external_id="R006884")
    assert maesteg.name == "Maesteg Workmen's Club and Institute Limited"
    assert (maesteg.latitude, maesteg.longitude) == (51.608344, -3.654703)
