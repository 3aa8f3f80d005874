"""Chinese first: every app's zh_Hans catalogue is complete, not fuzzy, and compiled."""

import ast
import gettext
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS_DIR.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def _entries(po_path: Path):
    """(msgctxt, msgid, msgstr, fuzzy, plural) for each entry of a .po file, header excluded."""
    entries, current, key, fuzzy = [], {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and current["msgid"]:
            entries.append((current, fuzzy))
        current, fuzzy = {}, False

    for raw in po_path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    flush()
    return entries


def test_every_app_with_ui_text_has_a_catalogue():
    assert CATALOGUES, "no zh_Hans catalogues found"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_compiled(po_path):
    entries = _entries(po_path)
    assert entries, f"{po_path} has no messages"
    untranslated = [e["msgid"] for e, _ in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"
    with po_path.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry, _ in entries:
        if "msgstr" not in entry:
            continue  # plural forms are checked by msgfmt itself
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        assert compiled.gettext(msgid) == entry["msgstr"], f"{po_path}.mo is stale: {msgid!r}"
