import csv
import io
import json

import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from intercoop.conftest import SHARED_DATA, client_for, make_org
from intercoop.core.audit import system_actor
from intercoop.directory.exporters import FORMATS
from intercoop.directory.exporters.murmurations import addon_schema, profile
from intercoop.directory.importers import FORMATS as IMPORT_FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import Organization

MURMURATIONS = SHARED_DATA / "murmurations"
LIBRARY = "https://test-library.murmurations.network/v2/"


def murmurations_validator(schema_name: str) -> Draft7Validator:
    """The Murmurations schema, with its `../fields/*.json` references served from the
    shared copy of the library."""
    registry: Registry = Registry()
    for path in (MURMURATIONS / "fields").glob("*.json"):
        registry = registry.with_resource(
            LIBRARY + "fields/" + path.name, DRAFT7.create_resource(json.loads(path.read_text()))
        )
    schema = json.loads((MURMURATIONS / "schemas" / f"{schema_name}.json").read_text())
    return Draft7Validator(schema, registry=registry)


def export(format: str, organizations, private_ids=None) -> str:
    buffer = io.StringIO()
    FORMATS[format][0](organizations, buffer, private_ids)
    return buffer.getvalue()


FULL = {
    "name": "Ünion Bikes Co-op",
    "external_id": "UB-1",
    "description": "Repairs, sales\nand training.",
    "organisational_structure": "OS60",
    "base_membership_type": "BMT30",
    "primary_activity": "ICA120",
    "other_activities": ["ICA60", "ICA160"],
    "legal_form": "Society",
    "registrar": "FCA",
    "registration_number": "IP1234",
    "founded_on": "1998-04-01",
    "dissolved_on": "2030-01-01",
    "status": "forming",
    "number_of_members": 12,
    "employees": 0,
    "website": "https://bikes.example",
    "website_public": False,
    "email": "hi@bikes.example",
    "email_public": True,
    "phone": "+44 1",
    "phone_public": False,
    "street": "2 Spoke St",
    "locality": "Leeds",
    "region": "West Yorkshire",
    "postcode": "LS2 2BB",
    "country": "GB",
    "latitude": 53.801,
    "longitude": -1.549,
    "languages": ["en", "cy"],
    "tags": ["bikes", "repair, servicing"],
    "is_cooperative": True,
}


@pytest.mark.django_db
def test_csv_export_imports_into_an_empty_database_as_the_same_records():
    make_org(**FULL)
    make_org(name="Plain Ally", is_cooperative=False, latitude=None, longitude=None, email="")
    fields = [
        f.name
        for f in Organization._meta.fields
        if f.name
        not in {
            "id",
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
            "import_run",
            "search_text",
        }
    ]
    before = list(Organization.objects.order_by("slug").values(*fields))
    text = export("csv", Organization.objects.order_by("pk"))
    Organization.objects.all().delete()
    report = organizations_import(
        records=IMPORT_FORMATS["plain"](io.StringIO(text)),
        format="plain",
        filename="x.csv",
        actor=system_actor(),
    )
    assert report.created == 2
    assert list(Organization.objects.order_by("slug").values(*fields)) == before


@pytest.mark.django_db
def test_exports_leave_out_private_contacts_for_viewers_without_access():
    organization = make_org(**FULL)
    public = json.loads(export("geojson", [organization], private_ids=set()))
    properties = public["features"][0]["properties"]
    assert "website" not in properties and "phone" not in properties
    assert properties["email"] == "hi@bikes.example"
    assert public["features"][0]["geometry"] == {"type": "Point", "coordinates": [-1.549, 53.801]}
    full = json.loads(export("geojson", [organization], private_ids=None))
    assert full["features"][0]["properties"]["phone"] == "+44 1"


@pytest.mark.django_db
def test_jsonld_uses_schema_org_and_essglobal_uris():
    document = json.loads(export("jsonld", [make_org(**FULL)], private_ids=set()))
    node = document["@graph"][0]
    assert document["@context"]["schema"] == "https://schema.org/"
    assert node["organisationalStructure"].endswith("/organisational-structure/OS60")
    assert [uri.rsplit("/", 1)[1] for uri in node["economicSector"]] == [
        "ICA120",
        "ICA60",
        "ICA160",
    ]
    assert node["geo"] == {
        "@type": "schema:GeoCoordinates",
        "latitude": 53.801,
        "longitude": -1.549,
    }
    assert "telephone" not in node


@pytest.mark.django_db
@pytest.mark.parametrize(
    "schema", ["organizations_schema-v1.0.0", "default-v2.1.0", "default-v2.0.0"]
)
def test_murmurations_profiles_validate_against_the_library_schemas(schema):
    validator = murmurations_validator(schema)
    for organization in (make_org(**FULL), make_org(name="Bare", latitude=None, longitude=None)):
        data = profile(organization, set())
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []


@pytest.mark.django_db
def test_murmurations_profile_validates_against_our_addon_schema():
    data = profile(make_org(**FULL), set())
    assert list(Draft7Validator(addon_schema()).iter_errors(data)) == []
    assert data["linked_schemas"] == ["organizations_schema-v1.0.0", "intercoop_coop-v1.0.0"]
    assert data["starts_at"] == 891388800 and data["status"] == "in_planning"
    assert data["other_activities"] == ["ICA60", "ICA160"]


@pytest.mark.django_db
def test_profile_and_schema_urls():
    organization = make_org(**FULL)
    client = client_for(None)
    response = client.get(f"/orgs/{organization.slug}/murmurations.json")
    assert response.status_code == 200
    assert response.json()["name"] == "Ünion Bikes Co-op"
    assert "telephone" not in response.json()  # private, even for its own admins
    schema = client.get("/schemas/intercoop_coop-v1.0.0.json")
    assert schema.status_code == 200 and schema.json()["title"] == "Intercoop co-operative add-on"
    assert client.get("/schemas/nothing-v1.0.0.json").status_code == 404


@pytest.mark.django_db
def test_a_pending_organisation_has_no_public_profile():
    organization = make_org(name="Pending")
    Organization.objects.filter(pk=organization.pk).update(approval="pending")
    assert client_for(None).get(f"/orgs/{organization.slug}/murmurations.json").status_code == 404


FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.django_db
def test_csv_cells_are_not_spreadsheet_formulas_and_still_import_back():
    make_org(
        name=FORMULA,
        slug="formula",
        description="+1 more; -dash first",
        locality="@home",
        tags=["-minus", "plain"],
        longitude=-1.55,
    )
    text = export("csv", Organization.objects.all())
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "'" + FORMULA
    assert (row["description"], row["locality"]) == ("'+1 more; -dash first", "'@home")
    assert row["tags"] == "'-minus; plain"
    assert row["longitude"] == "-1.55"  # numbers are left alone
    Organization.objects.all().delete()
    organizations_import(
        records=IMPORT_FORMATS["plain"](io.StringIO(text)),
        format="plain",
        filename="x.csv",
        actor=system_actor(),
    )
    imported = Organization.objects.get()
    assert (imported.name, imported.description, imported.locality, imported.tags) == (
        FORMULA,
        "+1 more; -dash first",
        "@home",
        ["-minus", "plain"],
    )
    assert imported.longitude == -1.55


@pytest.mark.django_db
def test_the_api_export_is_neutralised_too():
    make_org(name=FORMULA)
    body = client_for(None).get("/api/v1/organizations/export?format=csv").content.decode()
    assert ',"\'=HYPERLINK(""http://x"",""y"")",' in body
    assert ',"=HYPERLINK' not in body
