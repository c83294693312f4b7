"""No English left on a Spanish or French page.

1. Every template of every app, read as its source: text between HTML tags and the
   attributes people see (title, placeholder, aria-label, alt, data-confirm, the value of
   a submit button) hold no word that is not inside {% translate %} or
   {% blocktranslate %}. A word there would show in English in every language.
2. The demo's main pages, rendered in Spanish and in French: no visible text identical to
   the English rendering of the same page, except data from the database (names,
   descriptions...) and words that are the same in the language (crawl_* below)."""

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import tag_re
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html")) + sorted(
    PACKAGE.glob("*/templates/**/*.txt")
)
# Words that are the same in every language: names of formats, products and standards.
ALLOWED = frozenset(
    [
        "api",
        "csv",
        "json",
        "geojson",
        "ical",
        "png",
        "graphml",
        "gexf",
        "kumu",
        "qr",
        "essglobal",
        "murmurations",
        "openapi",
        "svg",
        "km",
        "id",
        "url",
        "html",
        "pdf",
        "ics",
        "ld",
        "en",
        "gb",
    ]
)  # fmt: skip  (compared in lower case)
WORD = re.compile(r"[^\W\d_]+")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
HOLE = " "  # where a template tag or variable stood (a space: it may stand in a tag)
# Attributes a person reads (or hears, with a screen reader).
SEEN = frozenset(["title", "placeholder", "aria-label", "alt", "data-confirm", "aria-description"])
BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
          "comment": "endcomment", "verbatim": "endverbatim"}  # fmt: skip


@pytest.fixture(autouse=True)
def _language_reset():
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.deactivate()


def skeleton(source: str) -> str:
    """The template with each tag and variable replaced by a hole, and the text inside
    {% blocktranslate %} (marked), {% comment %} and {% verbatim %} blocks by holes too,
    keeping every newline so that line numbers stay the same."""
    parts: list[str] = []
    closing: str | None = None
    last = 0

    def hole(text: str) -> str:
        return HOLE + "\n" * text.count("\n")

    for match in tag_re.finditer(source):
        text = source[last : match.start()]
        parts.append(hole(text) if closing else text)
        tag = match.group(0)
        parts.append(hole(tag))
        last = match.end()
        if tag.startswith("{%"):
            name = tag[2:-2].split()[0] if tag[2:-2].split() else ""
            if closing is None and name in BLOCKS:
                closing = BLOCKS[name]
            elif closing is None and name == "block" and tag[2:-2].split()[-1].endswith("class"):
                closing = "endblock"  # a CSS class, not words
            elif name == closing:
                closing = None
    parts.append(source[last:])
    return "".join(parts)


def words(text: str) -> list[str]:
    found = WORD.findall(ENTITY.sub(" ", text.replace(HOLE, " ")))
    return [w for w in found if w.lower() not in ALLOWED]


class Unmarked(HTMLParser):
    """Words in text and in seen attributes, with their line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in SEEN or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "") in {"submit", "button", "reset"}
            )
            if shown and value and words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and words(data):
            leading = data[: len(data) - len(data.lstrip())]
            self.found.append((self.getpos()[0] + leading.count("\n"), " ".join(data.split())))


# Words given to a filter inside a tag or variable: {{ x|default:"None" }} shows English
# (write default:_("None") to translate it).
LITERAL = re.compile(r"""\|(?:default|default_if_none|yesno):(["'])(.*?)\1""")


def literal_filters(source: str) -> list[tuple[int, str]]:
    found = []
    for match in tag_re.finditer(source):
        for literal in LITERAL.finditer(match.group(0)):
            if words(literal.group(2)):
                line = source.count("\n", 0, match.start()) + 1
                found.append((line, literal.group(0)))
    return found


def unmarked(path: Path) -> list[str]:
    source = path.read_text()
    parser = Unmarked()
    parser.feed(skeleton(source))
    parser.close()
    name = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
    found = sorted(parser.found + literal_filters(source))
    return [f"{name}:{line}: {text[:80]!r}" for line, text in found]


def test_the_check_finds_unmarked_words(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Hello" %}</h1>\n'
        "<p>{{ n }} co-ops</p>\n"
        '<input type="submit" value="Save"><a title="{% translate \'Open\' %}">→</a>\n'
        "{% blocktranslate with n=n %}{{ n }} co-ops{% endblocktranslate %} CSV\n"
        '<img alt="A map"><script>var x = "words";</script>{# a comment #}\n'
        '{{ x|default:"None" }} {{ x|default:_("None") }} {{ x|default:"—" }}\n'
    )
    assert [line.split(": ", 1)[1] for line in unmarked(template)] == [
        "'co-ops'",
        "'value=\"Save\"'",
        "'alt=\"A map\"'",
        "'|default:\"None\"'",
    ]
    assert [line.split(":")[1] for line in unmarked(template)] == ["2", "3", "5", "6"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_template_marks_its_words_for_translation(path):
    assert unmarked(path) == []


# The crawl: the demo's pages in English, Spanish and French, compared text by text.
CRAWL_PAGES = 120  # per account
PER_ROUTE = 2  # pages of one kind (two organisations' pages, not all of them)
CRAWL_SKIP = re.compile(
    r"^/(accounts/logout|i18n/|jsi18n/|admin/|api/|static/|embed/)"
    r"|\.(csv|ics|json|geojson|atom|png|svg)|/feed|/export|/card/qr"
)
# An amount written the English way ("1,234.56 EUR", "12.50 GBP") on a Spanish or French page.
ENGLISH_MONEY = re.compile(r"\b\d{1,3}(,\d{3})+(\.\d+)? [A-Z]{3}\b|\b\d+\.\d+ [A-Z]{3}\b")
CRAWL_SEEDS = ["/", "/dashboard/", "/orgs/", "/networks/", "/catalogue/", "/deals/",
               "/inbox/", "/notices/", "/rounds/", "/invoices/", "/orgs/riverside-bakery/",
               "/imports/", "/map/", "/accounts/profile/"]  # fmt: skip


class Visible(HTMLParser):
    """A page's visible text nodes and seen attributes, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        # inside an element in a language of its own (`lang`: a lesson written in English
        # shown on a Spanish page): its tag and how deep the same tag is nested in it
        self._own_language: list[str] = []
        self._own_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = {k: v or "" for k, v in attrs}
        if self._own_language:
            self._own_depth += tag == self._own_language[0]
        elif tag != "html" and values.get("lang"):
            self._own_language, self._own_depth = [tag], 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name, value in values.items():
            shown = name in SEEN or (
                name == "value" and tag == "input" and values.get("type") in {"submit", "button"}
            )
            if shown and value.strip():
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1
        if self._own_language and tag == self._own_language[0]:
            self._own_depth -= 1
            if not self._own_depth:
                self._own_language = []

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not self._hidden and not self._own_language and text:
            self.texts.append(text)


def _route(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).route
    except Resolver404:
        return path


def visible(html: str) -> Visible:
    parser = Visible()
    parser.feed(html)
    parser.close()
    return parser


def stored_strings() -> list[str]:
    """Every text the demo stored (names, titles, descriptions, tags...), longest first:
    a page shows them as they are in every language."""
    from django.apps import apps
    from django.db import models

    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            for text in _texts(row):
                found.add(" ".join(text.split()))
                found.update(" ".join(line.split()) for line in text.splitlines())
    # not blank lines: they would match inside any text
    return sorted((t for t in found if WORD.search(t)), key=len, reverse=True)


def _texts(value: object) -> list[str]:
    """The strings in a value, JSON lists and objects included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return []


def same_in(language: str) -> set[str]:
    """Messages of any catalogue (ours, Django's, the countries') whose translation is the
    English itself ("Total", "Sector", "Albania")."""
    from django.conf import settings
    from django.conf.locale import LANG_INFO
    from django.utils.translation import trans_real

    from intercoop.directory import vocab

    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    same = {k for k, v in catalog.items() if isinstance(k, str) and k == v}
    for scheme in vocab.SCHEMES:
        labels = [(vocab.label(scheme, c, "en"), vocab.label(scheme, c, language))
                  for c in vocab.codes(scheme)]  # fmt: skip
        same.update(english for english, label in labels if english == label)
    # the language switcher names each language in itself
    names = [LANG_INFO[code]["name_local"] for code, _name in settings.LANGUAGES]
    same.update(name[:1].upper() + name[1:] for name in names)
    same.add(settings.SITE_NAME)
    # month names Django writes the same way ("Feb" in Spanish, "Nov" in French)
    same.update(_months("en") & _months(language))
    return same


def _months(language: str) -> set[str]:
    import datetime as dt

    from django.utils import dateformat, translation

    with translation.override(language):
        return {
            dateformat.format(dt.date(2000, month, 1), style)
            for month in range(1, 13)
            for style in ("M", "F", "b", "N", "E")
        }


def without(text: str, data: str) -> str:
    """The text without `data` where it stands as whole words ("es", a language code, is
    data in "Spanish (es)", not in "minutes")."""
    if data not in text:
        return text
    return re.sub(rf"(?<!\w){re.escape(data)}(?!\w)", " ", text)


def unstored(text: str, stored: list[str]) -> str:
    """The text without the data it shows (audit summaries and notifications are stored
    written, in the language of their time or of their reader)."""
    for data in stored:
        text = without(text, data)
    return text


def left_in_english(text: str, stored: list[str], same: set[str]) -> bool:
    """Whether a text node identical in English and in the page's language is English
    left untranslated: not data, not a word the language shares with English."""
    if text in same:
        return False
    if text.endswith("…") and any(data.startswith(text[:-1].rstrip()) for data in stored):
        return False  # data, shortened
    for data in stored:
        if data in text:
            text = without(text, data)
            if not words(text):
                return False
    return any(w not in same for w in words(text))


@pytest.mark.django_db
def test_demo_pages_show_no_english_in_spanish_and_french(capsys):
    from collections import deque
    from urllib.parse import urljoin, urlsplit

    from django.contrib.auth.models import User
    from django.test import Client

    from intercoop.config.demo import demo_region_build

    demo_region_build()
    stored = stored_strings()
    same = {language: same_in(language) for language in ("es", "fr")}
    english: dict[str, list[str]] = {}
    pages = 0
    for username in ("coordinator", "manager", None):
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        seen: set[str] = set()
        routes: Counter[str] = Counter()
        queue = deque(CRAWL_SEEDS)
        while queue and len(seen) < CRAWL_PAGES:
            url = queue.popleft()
            if url in seen or CRAWL_SKIP.search(url) or routes[_route(url)] >= PER_ROUTE:
                continue
            seen.add(url)
            routes[_route(url)] += 1
            response = client.get(url, headers={"accept-language": "en"})
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            pages += 1
            page = visible(response.content.decode())
            for language in ("es", "fr"):
                translated = client.get(url, headers={"accept-language": language})
                texts = visible(translated.content.decode()).texts
                for text in sorted(set(page.texts) & set(texts)):
                    if left_in_english(text, stored, same[language]):
                        english.setdefault(f"{language}: {text[:100]!r}", []).append(url)
                for text in texts:
                    if ENGLISH_MONEY.search(text) and ENGLISH_MONEY.search(unstored(text, stored)):
                        english.setdefault(f"{language}: money {text[:100]!r}", []).append(url)
            for link in page.links:
                parts = urlsplit(urljoin(url, link))
                local = parts.scheme in {"", "http"} and parts.netloc in {"", "testserver"}
                if local and parts.path not in seen:
                    queue.append(parts.path)
    left = [f"{text} on {urls[0]}" for text, urls in sorted(english.items())]
    with capsys.disabled():
        print(f"\n{pages} pages compared in es and fr, {len(english)} texts left in English")
        print("\n".join(left))
    assert pages >= 60
    assert left == []
