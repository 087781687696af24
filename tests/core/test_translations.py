"""Every string a person reads has a Vietnamese translation, compiled and committed."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale*/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_there_are_catalogues():
    assert ROOT / "danvan/locale/vi/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_vietnamese_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))

    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]

    assert untranslated == [], f"untranslated in {po_path}"
    assert fuzzy == [], f"fuzzy in {po_path}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_source(po_path):
    """The committed .mo is what the .po says, so a fresh machine needs no gettext tools."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run make messages"
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))
    }
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(po_path)).translated_entries()
    }

    assert compiled == source, f"{mo_path} is stale: run make messages"


def test_vietnamese_is_the_default_and_english_available():
    assert settings.LANGUAGE_CODE == "vi"
    with translation.override("vi"):
        assert str(translation.gettext("Log in")) == "Đăng nhập"
    with translation.override("en"):
        assert str(translation.gettext("Log in")) == "Log in"
