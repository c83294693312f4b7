"""The graph's metric names and an assessment's formulas, parts and money read in the
page's language."""

import html
import json

import pytest
from django.utils import translation

from intercoop.conftest import client_for
from intercoop.network.assessment import FORMULAS
from intercoop.network.models import Assessment

FORM = {"as_of": "2026-06-01", "institutionalisation_score": "2", "diversity_score": "4"}


@pytest.fixture(autouse=True)
def _language_reset():
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("language", "metric", "community"),
    [("en", "Betweenness", "Community"), ("es", "Intermediación", "Comunidad"),
     ("fr", "Intermédiarité", "Communauté")],
)  # fmt: skip
def test_the_graph_names_its_metrics_in_the_language(people, network, language, metric, community):
    client = client_for(None)
    response = client.get("/networks/valley/graph/", headers={"accept-language": language})
    page = response.content.decode()
    assert f'<option value="betweenness">{metric}</option>' in page
    assert f'<th data-key="betweenness">{metric}</th>' in page
    assert f'<th data-key="community">{community}</th>' in page
    labels = json.loads(page.split('id="graph-labels" type="application/json">')[1].split("<")[0])
    assert labels["metrics"]["betweenness"] == metric
    assert labels["metrics"]["community"] == community


@pytest.mark.parametrize(
    ("language", "formula", "part"),
    [
        ("en", FORMULAS["diversity"], "Simpson D"),
        ("es", "H de Shannon = −Σ p·ln p; D de Simpson = 1 − Σ p², p = proporción de cada "
               "categoría", "D de Simpson"),
        ("fr", "H de Shannon = −Σ p·ln p ; D de Simpson = 1 − Σ p², p = part de chaque "
               "catégorie", "D de Simpson"),
    ],
)  # fmt: skip
def test_an_assessment_reads_in_the_language(people, network, language, formula, part):
    client = client_for(people["coordinator"])
    client.post(f"/networks/{network.slug}/assessments/", FORM)
    assessed = Assessment.objects.get()
    assert assessed.indicators["diversity"]["formula"] == FORMULAS["diversity"]  # kept in English
    response = client.get(
        f"/networks/{network.slug}/assessments/{assessed.pk}/",
        headers={"accept-language": language},
    )
    page = html.unescape(response.content.decode())
    assert f"<code>{formula}</code>" in page
    assert f"{part} " in page
    assert "simpson " not in page and "shannon " not in page
