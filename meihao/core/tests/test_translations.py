"""Chinese first: every app's zh_Hans catalogue is complete, not fuzzy, and compiled."""

import ast
import gettext
from collections import defaultdict
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


def _conflicts(catalogues) -> list[str]:
    """Each (msgctxt, msgid) that two apps translate differently, plural forms included."""
    by_message = defaultdict(dict)
    for po_path in catalogues:
        app = po_path.parts[-5]
        for entry, _fuzzy in _entries(po_path):
            forms = tuple(value for key, value in sorted(entry.items()) if key.startswith("msgstr"))
            by_message[(entry.get("msgctxt", ""), entry["msgid"])][app] = forms
    return [
        f"{(context + ' | ') if context else ''}{msgid!r}: "
        + ", ".join(f"{app} {' / '.join(forms)}" for app, forms in sorted(by_app.items()))
        for (context, msgid), by_app in sorted(by_message.items())
        if len(set(by_app.values())) > 1
    ]


def test_a_message_is_translated_alike_in_every_app():
    """Django merges the apps' catalogues into one per language, and for a message in several the
    app listed first in INSTALLED_APPS wins everywhere: a second translation is never shown. The
    same meaning takes the same words; a different meaning takes a context (pgettext)."""
    conflicts = _conflicts(CATALOGUES)
    assert not conflicts, f"{len(conflicts)} message(s) translated differently:\n" + "\n".join(
        conflicts
    )


def test_the_check_compares_contexts_and_plural_forms(tmp_path):
    def catalogue(app, body):
        po_path = tmp_path / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True)
        po_path.write_text('msgid ""\nmsgstr ""\n\n' + body, encoding="utf-8")
        return po_path

    first = catalogue(
        "first",
        'msgid "Places"\nmsgstr "地点"\n\n'
        'msgid "%(n)s place"\nmsgid_plural "%(n)s places"\nmsgstr[0] "%(n)s 个地点"\n',
    )
    second = catalogue(
        "second",
        'msgctxt "activity places"\nmsgid "Places"\nmsgstr "名额"\n\n'
        'msgid "%(n)s place"\nmsgid_plural "%(n)s places"\nmsgstr[0] "%(n)s 个名额"\n',
    )
    assert _conflicts([first, second]) == ["'%(n)s place': first %(n)s 个地点, second %(n)s 个名额"]
