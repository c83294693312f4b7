import datetime as dt

import pytest

from intercoop.directory.fields import clean_organization, search_text


def test_text_values_are_parsed_into_typed_values():
    clean, errors = clean_organization(
        {
            "name": " Bike Works ",
            "organisational_structure": "https://dev.lod.coop/essglobal/2.1/standard/organisational-structure/OS60",
            "base_membership_type": "Workers",
            "primary_activity": "ica120",
            "other_activities": "ICA10; ICA20,ICA10",
            "founded_on": "1999",
            "number_of_members": "1,200",
            "website": "bikeworks.example.org",
            "email_public": "yes",
            "country": "uk",
            "latitude": "53.1234567",
            "longitude": "-1.5",
            "languages": "EN, es",
            "tags": "bikes; repair, servicing",
        }
    )
    assert errors == {}
    assert clean["name"] == "Bike Works"
    assert clean["organisational_structure"] == "OS60"
    assert clean["base_membership_type"] == "BMT30"
    assert clean["primary_activity"] == "ICA120"
    assert clean["other_activities"] == "ICA10 ICA20"
    assert clean["founded_on"] == dt.date(1999, 1, 1)
    assert clean["number_of_members"] == 1200
    assert clean["website"] == "http://bikeworks.example.org"
    assert clean["email_public"] is True
    assert clean["country"] == "GB"
    assert clean["latitude"] == 53.123457
    assert clean["languages"] == ["en", "es"]
    assert clean["tags"] == ["bikes", "repair, servicing"]
    assert clean["is_cooperative"] is True and clean["status"] == "active"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("name", "", "is required"),
        (
            "organisational_structure",
            "OS999",
            "unknown ESSGlobal organisational structure code 'OS999'",
        ),
        ("primary_activity", "Juggling", "unknown ESSGlobal activity code 'Juggling'"),
        ("latitude", "95", "95.0 is outside -90..90"),
        ("longitude", "east", "'east' is not a number"),
        ("country", "XX", "'XX' is not an ISO 3166 country code"),
        ("email", "not-an-email", "'not-an-email' is not an e-mail address"),
        ("website", "http://", "'http://' is not a web address"),
        ("founded_on", "31/12/1999", "'31/12/1999' is not a date (YYYY-MM-DD)"),
        ("employees", "-3", "must not be negative"),
        ("number_of_members", "many", "'many' is not a whole number"),
        ("is_cooperative", "perhaps", "'perhaps' is not yes/no (true/false)"),
        ("status", "sleeping", "'sleeping' is not one of active, forming, dissolved"),
        ("languages", "English", "'english' is not an ISO 639 language code"),
        ("colour", "green", "is not a field of an organisation"),
    ],
)
def test_each_bad_value_is_named_with_its_reason(field, value, reason):
    values = {"name": "A co-op", "latitude": "1", "longitude": "1", field: value}
    _, errors = clean_organization(values)
    assert errors == {field: reason}


def test_latitude_without_longitude_is_refused():
    _, errors = clean_organization({"name": "A", "latitude": "50"})
    assert errors == {"longitude": "latitude and longitude go together"}


def test_dissolved_before_founded_is_refused():
    _, errors = clean_organization(
        {"name": "A", "founded_on": "2000-01-01", "dissolved_on": "1999-01-01"}
    )
    assert errors == {"dissolved_on": "is before the founding date"}


def test_partial_cleaning_touches_only_given_fields():
    clean, errors = clean_organization({"locality": "York"}, partial=True)
    assert errors == {}
    assert clean == {"locality": "York"}


def test_search_text_joins_name_description_tags_and_locality():
    text = search_text({"name": "N", "description": "D", "tags": ["a", "b"], "locality": "L"})
    assert text == "N\nD\na b\nL"
