"""Match explanations are built from message templates, so they read in the page's
language, numbers included; matching.py itself stays free of Django."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.exchange import matching, selectors, services
from intercoop.exchange.matching import Reason, explain


def test_reasons_are_templates_worded_by_the_translator_given():
    reasons = [
        Reason("both work on %(challenges)s", {"challenges": ("succession", "energy", "food")}),
        Reason("%(km)s km apart", {"km": 1234}),
    ]
    assert explain(reasons) == "both work on succession, energy and food; 1234 km apart"
    words = {"both work on %(challenges)s": "ambos: %(challenges)s",
             "%(items)s and %(last)s": "%(items)s y %(last)s",
             "%(km)s km apart": "a %(km)s km"}  # fmt: skip
    assert explain(reasons, words.get, lambda n: f"{n:,}".replace(",", ".")) == (
        "ambos: succession, energy y food; a 1.234 km"
    )


def test_matching_imports_no_django():
    source = Path(matching.__file__).read_text()
    assert not re.search(r"^\s*(from|import) django", source, re.MULTILINE)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "same category (Food and drink); both mention “bread”; 0 km apart, within its "
               "20 km service area; a co-op offering 10% to co-ops"),
        ("es", "misma categoría (Alimentación y bebidas); ambas mencionan “bread”; a 0 km, dentro "
               "de su zona de servicio de 20 km; una cooperativa que ofrece un 10 % a las "
               "cooperativas"),
        ("fr", "même catégorie (Alimentation et boissons); toutes deux mentionnent “bread”; à 0 km, "
               "dans sa zone de service de 20 km; une coopérative qui offre 10 % aux coopératives"),
    ],
)  # fmt: skip
def test_business_matches_are_explained_in_the_language(db, language, expected):
    bakery = make_org(name="Riverside Bakery", slug="bakery")
    school = make_org(name="Valley School", slug="school", is_cooperative=False)
    services.exchange_item_create(actor=system_actor(), organization=bakery, values={
        "kind": "offer", "category": "food", "title": "Sourdough bread",
        "service_radius_km": 20, "coop_discount": 10})  # fmt: skip
    services.exchange_item_create(actor=system_actor(), organization=school, values={
        "kind": "need", "category": "food", "title": "Bread for the canteen"})  # fmt: skip
    with translation.override(language):
        (match,) = selectors.business_matches_for(organization=school)
    assert match.explanation == expected
