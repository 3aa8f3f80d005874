"""/insights/indicators/: the catalogue of every registered indicator, with the viewer's values."""

from datetime import date

import pytest
import time_machine
from django.utils import translation
from django.utils.html import escape

from meihao.insights import figures
from meihao.insights.registry import REGISTRY, Span
from meihao.insights.selectors import readable_indicators
from meihao.insights.tests.conftest import local

URL = "/insights/indicators/"
END_OF_MAY = local(2024, 5, 31, 18, 0)


def catalogue(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_every_registered_indicator_appears_with_both_names_and_its_definition(client, personas):
    response = catalogue(client, personas.grid_worker_a)
    assert response.status_code == 200
    html = response.content.decode()
    for code, indicator in REGISTRY.items():
        assert f'data-indicator="{code}"' in html, code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                assert escape(str(indicator.name)) in html, (code, language)
        with translation.override("zh-hans"):
            assert escape(str(indicator.definition)) in html, code
    # Grouped by capability, every capability once.
    codes = {indicator.capability.code for indicator in REGISTRY.values()}
    assert {c.code for c, _entries in response.context["catalogue"].groups} == codes
    assert response.context["catalogue"].total == len(REGISTRY)


def test_a_value_is_the_figure_for_the_viewers_widest_place_this_month(client, month):
    street_chief = month.personas.street_chief_a
    with time_machine.travel(END_OF_MAY, tick=False):
        response = catalogue(client, street_chief)
    entries = {
        e.indicator.code: e for _c, group in response.context["catalogue"].groups for e in group
    }
    street = month.personas.tree.street_a
    span = Span.of(street.path, date(2024, 5, 1), date(2024, 5, 31))
    for code in ("reports_filed", "acceptance_rate", "service_hours"):
        entry = entries[code]
        assert entry.readable and entry.place == street
        assert entry.shown.measure == figures.measure(REGISTRY[code], span)
        query = f"place={street.code}&amp;start=2024-05-01&amp;end=2024-05-31"
        assert f'href="/insights/indicators/{code}/?{query}"' in response.content.decode()
    assert entries["reports_filed"].shown.text == "5"  # c1–c4 in A1 and c6 in A2, in May
    assert entries["acceptance_rate"].shown.text == "50%"


def test_figures_the_viewer_does_not_read_show_their_definition_but_no_value(client, personas):
    grid_worker = personas.grid_worker_a
    response = catalogue(client, grid_worker)
    html = response.content.decode()
    readable = {i.code for i in readable_indicators(grid_worker)}
    assert "service_hours" not in readable and "acceptance_rate" in readable
    entries = {
        e.indicator.code: e for _c, group in response.context["catalogue"].groups for e in group
    }
    hours = entries["service_hours"]
    assert not hours.readable and hours.shown is None and not hours.url
    assert "/insights/indicators/service_hours/" not in html
    row = html[html.index('data-indicator="service_hours"') :]
    row = row[: row.index("</tr>")]
    assert "data-value" not in row
    assert escape(str(REGISTRY["service_hours"].definition)) in row
    assert "/insights/indicators/acceptance_rate/?place=" in html


def test_a_resident_gets_a_404_and_the_anonymous_the_log_in(client, personas):
    assert catalogue(client, personas.resident_a).status_code == 404
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_filter_by_capability_and_the_search(client, personas):
    admin = personas.district_admin
    response = catalogue(client, admin, capability="volunteering")
    codes = [e.indicator.code for _c, group in response.context["catalogue"].groups for e in group]
    assert codes and all(REGISTRY[c].capability.code == "volunteering" for c in codes)
    # By code, by Chinese name or by English name, whatever the language.
    for query in ("acceptance_RATE", "立案率", "Acceptance rate"):
        found = catalogue(client, admin, q=query).context["catalogue"]
        assert [e.indicator.code for _c, g in found.groups for e in g] == ["acceptance_rate"]
    empty = catalogue(client, admin, q="没有这个指标")
    assert empty.status_code == 200 and empty.context["catalogue"].total == 0
    assert "data-empty" in empty.content.decode()
    assert "没有符合搜索条件的指标" in empty.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"capability": "nonsense"}, "没有这个业务板块。"),
        ({"q": "x" * 101}, "搜索内容最多 100 个字。"),
    ],
)
def test_a_bad_filter_is_400_in_words(client, personas, params, message):
    response = catalogue(client, personas.district_admin, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_number_of_queries_is_bounded_by_the_indicators_read(
    client, month, django_assert_max_num_queries
):
    admin = month.personas.district_admin
    client.force_login(admin)
    client.get(URL)  # the session and the scopes, once
    # One measure a readable indicator (a few take two or three queries), and a handful for
    # the session, the user's scopes and the places.
    with (
        time_machine.travel(END_OF_MAY, tick=False),
        django_assert_max_num_queries(3 * len(readable_indicators(admin)) + 10),
    ):
        assert client.get(URL).status_code == 200
