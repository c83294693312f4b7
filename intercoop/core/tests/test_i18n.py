from pathlib import Path

import polib
import pytest
from django.utils import translation

from intercoop.directory import vocab

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_message_is_translated_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid for e in mo} >= {e.msgid for e in po if not e.msgid_plural}


@pytest.mark.parametrize("scheme", vocab.SCHEMES)
def test_every_essglobal_code_has_english_spanish_and_french_labels(scheme):
    for code in vocab.codes(scheme):
        labels = {lang: vocab.label(scheme, code, lang) for lang in ("en", "es", "fr")}
        assert all(labels.values()), (code, labels)
    with translation.override("fr"):
        assert vocab.label("organisational_structure", "OS70") == "Coopérative d'habitation"
