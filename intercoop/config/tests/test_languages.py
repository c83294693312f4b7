"""Spanish and French beyond the templates: the JavaScript catalogue, Leaflet's controls,
money and words that need two translations."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from intercoop.core.money import format_money

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale"
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def _language_reset():
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    ("language", "zoom_in"), [("en", "Zoom in"), ("es", "Acercar"), ("fr", "Zoom avant")]
)
def test_the_javascript_catalogue_speaks_the_language(client: Client, language, zoom_in):
    response = client.get("/jsi18n/", headers={"accept-language": language})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "django.gettext = function" in response.content.decode()
    if language != "en":
        assert f'"Zoom in": "{zoom_in}"' in response.content.decode()


@pytest.mark.django_db
def test_every_page_loads_the_catalogue_before_its_scripts(client: Client):
    html = client.get("/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[0] == "/jsi18n/"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_javascript_message_is_translated_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "djangojs.po"))
    assert len(po) >= 6
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "djangojs.mo"))
    assert {e.msgid for e in mo} >= {e.msgid for e in po}


def test_every_page_with_a_map_translates_leaflet():
    """Leaflet's zoom buttons, attribution and popups: leaflet_locale.js right after
    leaflet.js, wherever a template loads it."""
    leaflet = "{% static 'vendor/leaflet/leaflet.js' %}\"></script>"
    locale = "<script src=\"{% static 'core/leaflet_locale.js' %}\"></script>"
    pages = [p for p in PACKAGE.glob("*/templates/**/*.html") if leaflet in p.read_text()]
    assert len(pages) >= 3
    for page in pages:
        after = page.read_text().split(leaflet, 1)[1].lstrip()
        assert after.startswith(locale), page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1,234,567.89 EUR"),
        ("es", f"1{NBSP}234{NBSP}567,89 EUR"),
        ("fr", f"1{NBSP}234{NBSP}567,89 EUR"),
    ],
)
def test_money_is_written_the_language_s_way(language, expected):
    with translation.override(language):
        assert format_money(123456789, "EUR") == expected


@pytest.mark.parametrize(
    ("language", "withdraw", "withdraw_application"),
    [
        ("en", "Withdraw", "Withdraw"),
        ("es", "Retirar", "Retirar la solicitud"),
        ("fr", "Retirer", "Retirer la candidature"),
    ],
)
def test_withdraw_is_worded_for_what_is_withdrawn(language, withdraw, withdraw_application):
    with translation.override(language):
        assert translation.gettext("Withdraw") == withdraw
        assert translation.pgettext("a network application", "Withdraw") == withdraw_application


JS_STRING = re.compile(r"""(["'])((?:\\.|(?!\1).)*)\1""")
JS_MARKED = re.compile(
    r"""\b(?:gettext|pgettext|ngettext|npgettext)\(\s*(["'])(?:\\.|(?!\1).)*\1"""
    r"""(?:\s*,\s*(["'])(?:\\.|(?!\2).)*\2)*"""
)


def prose_in_javascript(source: str) -> list[str]:
    """String literals of a script that read as words for people and are not given to
    gettext: "No results" is prose, "leaflet-bar map-fit" or "#metrics th" are not."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    source = re.sub(r"(?m)^\s*//.*$", "", source)
    source = JS_MARKED.sub("gettext()", source)
    found = []
    for match in JS_STRING.finditer(source):
        text = match.group(2)
        if text == "use strict" or re.search(r"[<>=#{}/\\]", text):
            continue
        words = [w for w in text.split() if re.fullmatch(r"[A-Za-z][a-z']+[,.?!:]?", w)]
        spaced = re.search(r"[A-Za-z]{2,} +[A-Za-z]{2,}", text)
        prose = any(w[0].isupper() for w in words) or len(words) >= 3 or text[-1:] in ".?!:"
        if spaced and prose:
            found.append(text)
    return found


def test_the_javascript_check_finds_prose():
    source = """var a = "No results"; el.className = "leaflet-bar map-fit";
      gettext("Zoom in"); ngettext("%s result", "%s results", n); q("#metrics th");
      /* "Not this" */ b = 'one two three'; c = "use strict";"""
    assert prose_in_javascript(source) == ["No results", "one two three"]


@pytest.mark.parametrize("script", sorted(PACKAGE.glob("*/static/**/*.js")), ids=lambda p: p.name)
def test_every_script_gives_its_words_to_gettext(script):
    assert prose_in_javascript(script.read_text()) == []
