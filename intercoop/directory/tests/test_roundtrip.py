"""Property: whatever a valid organisation holds, the plain CSV export imports back into
the same record (quotes, commas, newlines, accents, lists, empty and private fields)."""

import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from intercoop.core.audit import system_actor
from intercoop.directory import services, vocab
from intercoop.directory.exporters import FORMATS
from intercoop.directory.fields import FIELDS
from intercoop.directory.importers import FORMATS as IMPORT_FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import Organization

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=40,
).map(str.strip)
line = text.map(lambda s: " ".join(s.split()))
tag = line.filter(lambda s: s and ";" not in s)
organizations = st.fixed_dictionaries(
    {
        "name": line.filter(bool),
        "description": st.lists(line, max_size=3).map("\n".join).map(str.strip),
        "is_cooperative": st.booleans(),
        "organisational_structure": st.sampled_from(["", *vocab.codes("organisational_structure")]),
        "primary_activity": st.sampled_from(["", *vocab.codes("activity")]),
        "other_activities": st.lists(
            st.sampled_from(vocab.codes("activity")), unique=True, max_size=3
        ),
        "founded_on": st.one_of(
            st.none(), st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date.today())
        ),
        "number_of_members": st.one_of(st.none(), st.integers(0, 10**6)),
        "email_public": st.booleans(),
        "phone": line.map(lambda s: s[:50].strip()),
        "street": line,
        "country": st.sampled_from(["", "GB", "FR", "ES", "BR"]),
        "latitude": st.floats(-90, 90).map(lambda x: round(x, 6)),
        "longitude": st.floats(-180, 180).map(lambda x: round(x, 6)),
        "tags": st.lists(tag, unique=True, max_size=4),
        "languages": st.lists(st.sampled_from(["en", "es", "fr", "cy"]), unique=True, max_size=2),
    }
)
COMPARED = [name for name in FIELDS if name != "slug"]


class CsvRoundTrip(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(organizations, min_size=1, max_size=3))
    def test_export_then_import_gives_the_same_records(self, records):
        for values in records:
            services.organization_create(actor=system_actor(), values=values)
        before = list(Organization.objects.order_by("slug").values("slug", *COMPARED))
        buffer = io.StringIO()
        FORMATS["csv"][0](Organization.objects.order_by("pk"), buffer, None)
        Organization.objects.all().delete()
        organizations_import(
            records=IMPORT_FORMATS["plain"](io.StringIO(buffer.getvalue())),
            format="plain",
            filename="roundtrip.csv",
            actor=system_actor(),
        )
        after = list(Organization.objects.order_by("slug").values("slug", *COMPARED))
        assert after == before
