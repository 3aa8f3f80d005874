"""No script runs but our own static files: templates hold no inline script or event handler,
our scripts never hand data to an HTML parser, and every page says so in its
Content-Security-Policy."""

import re
from pathlib import Path

import pytest

MEIHAO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(MEIHAO.glob("*/templates/**/*.html"))
SCRIPTS = sorted(p for p in MEIHAO.glob("*/static/**/*.js") if "vendor" not in p.parts)

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# on<event>= in a tag (also after a template tag: {% if x %}onsubmit=…), htmx's hx-on, and
# javascript: addresses: each runs text from the page as code.
INLINE_CODE = re.compile(
    r"""(?:(?<=[\s"'}])on[a-z]{3,}\s*=|\bhx-on[:\-]|\bjavascript:)""", re.IGNORECASE
)
# Ways a script turns a string into markup. Leaflet's tooltip and popup setters parse a string
# as HTML: they must get an element, Meihao.text(…) (web/static/web/meihao.js).
HTML_SINKS = re.compile(
    r"\.(?:inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|formatter\s*:"
)
LEAFLET_CONTENT = re.compile(
    r"\.(?:bind(?:Tooltip|Popup)|set(?:Tooltip|Popup)?Content)\(\s*(?!Meihao\.text\()"
)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_the_walks_find_the_templates_and_scripts():
    names = {p.name for p in TEMPLATES} | {p.name for p in SCRIPTS}
    assert {"base.html", "board_scripts.html", "meihao.js", "home_map.js"} <= names


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for tag in SCRIPT_TAG.finditer(text):
            attributes = tag.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                found.append(
                    f"{path.relative_to(MEIHAO)}:{_line(text, tag.start())} inline <script>"
                )
        for handler in INLINE_CODE.finditer(text):
            found.append(
                f"{path.relative_to(MEIHAO)}:{_line(text, handler.start())} {handler.group()}"
            )
    assert found == []


def test_no_script_builds_markup_from_a_string():
    found = []
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        for sink in (*HTML_SINKS.finditer(text), *LEAFLET_CONTENT.finditer(text)):
            found.append(f"{path.relative_to(MEIHAO)}:{_line(text, sink.start())} {sink.group()}")
    assert found == []


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("persona", [None, "volunteer_a", "street_chief_a"])
def test_pages_carry_a_policy_that_allows_only_our_own_scripts(client, personas, persona):
    if persona:
        client.force_login(getattr(personas, persona))
    response = client.get("/" if persona else "/accounts/login/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for name, values in policy.items():
        assert "'unsafe-eval'" not in values, name
        if name != "style-src":
            assert "'unsafe-inline'" not in values, name


def test_the_base_template_loads_the_shared_script_and_htmx_does_not_eval(client, personas):
    client.force_login(personas.volunteer_a)
    page = client.get("/").content.decode()
    assert "/static/web/meihao.js" in page
    assert '"allowEval": false' in page
