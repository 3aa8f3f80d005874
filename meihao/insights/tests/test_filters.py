"""The statistics pages' defaults (a rolling 30 days ending today) and the case statistics
page's case-type and channel filters: bad values are a 400 in words, never a 500."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from meihao.insights.registry import Measure, Unit
from meihao.insights.selectors import Shown, duration_text, period_days, period_for
from meihao.insights.tests.conftest import local

URL = reverse("insights:cases")
MAY = {"period": "custom", "start": "2024-05-01", "end": "2024-05-31"}


def stats_of(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def filed(response) -> int:
    cards = {card.name: card.measure for card in response.context["stats"].cards}
    return cards["reports_filed"].value


def test_the_default_period_is_the_last_30_days_ending_today():
    period, error = period_for("", today=date(2024, 5, 25))
    assert error is None
    assert period.key == "last_30_days"
    assert (period.first_day, period.last_day) == (date(2024, 4, 26), date(2024, 5, 25))
    assert period_for("this_month", today=date(2024, 5, 25))[0].first_day == date(2024, 5, 1)


def test_the_indicator_pages_default_to_the_last_30_days_too():
    assert period_days(today=date(2024, 3, 1)) == (date(2024, 2, 1), date(2024, 3, 1))
    assert period_days(end="2024-03-10", today=date(2024, 5, 1)) == (
        date(2024, 2, 10),
        date(2024, 3, 10),
    )


def test_the_page_reads_the_last_30_days_by_default(client, month):
    with time_machine.travel(local(2024, 5, 25, 12, 0), tick=False):
        response = stats_of(client, month.personas.street_chief_a)
    period = response.context["stats"].period
    assert (period.first_day, period.last_day) == (date(2024, 4, 26), date(2024, 5, 25))
    assert filed(response) == 6  # May's five and the one filed on 30 April


def test_channel_filter_counts_that_channel_only(client, month):
    response = stats_of(client, month.personas.street_chief_a, channel="hotline", **MAY)
    assert response.status_code == 200
    assert filed(response) == 1
    assert sum(response.context["charts"]["per_day"]["values"]) == 1
    assert 'value="hotline" selected' in response.content.decode()


def test_case_type_filter_offers_grid_management_types(client, month):
    response = stats_of(client, month.personas.street_chief_a, type="GRID", **MAY)
    assert response.status_code == 200
    assert filed(response) == 5
    assert [t.code for t in response.context["filters"].case_types] == ["GRID"]


def test_department_staff_filter_within_their_department(client, month):
    response = stats_of(client, month.personas.department_staff, channel="grid_patrol", **MAY)
    assert filed(response) == 3
    response = stats_of(client, month.personas.department_staff, channel="hotline", **MAY)
    assert filed(response) == 0


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"type": "NOPE"}, "没有这种案件类型"),
        ({"type": "WISH"}, "没有这种案件类型"),  # not grid management
        ({"channel": "carrier_pigeon"}, "没有这种来源渠道"),
        ({"channel": "热线"}, "没有这种来源渠道"),
    ],
)
def test_bad_filters_are_refused_in_chinese(client, month, params, words):
    response = stats_of(client, month.personas.street_chief_a, **params, **MAY)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_an_empty_chart_says_why(client, month):
    response = stats_of(client, month.personas.street_chief_a, channel="transfer", **MAY)
    charts = response.context["charts"]
    assert charts["per_day"]["empty"] == charts["by_class"]["empty"] == "本期没有案件。"
    html = response.content.decode()
    assert html.count("data-chart-empty") == 3
    assert 'id="chart-per-day"' not in html
    full = stats_of(client, month.personas.street_chief_a, **MAY).context["charts"]
    assert full["per_day"]["empty"] == ""


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (0.0, "0.0 小时"),
        (5.24, "5.2 小时"),
        (23.9, "23.9 小时"),
        (48.2, "2 天"),
        (76, "3 天 4 小时"),
    ],
)
def test_durations_read_in_days_and_hours(hours, words):
    with translation.override("zh-hans"):
        assert duration_text(hours) == words


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        (Measure(318.5, 318.5, None), "318.5 小时"),  # volunteers' service hours: a sum
        (Measure(318, 318, None), "318 小时"),
        (Measure(76, 152, 2), "3 天 4 小时"),  # a mean time to close, over 2 cases
    ],
)
def test_a_sum_of_hours_reads_in_hours_a_mean_time_in_days(measure, words):
    with translation.override("zh-hans"):
        assert Shown(measure, Unit.HOURS, "figure").text == words


def test_cards_show_what_a_figure_was_computed_from(client, month):
    response = stats_of(client, month.personas.street_chief_a, **MAY)
    cards = {card.name: card for card in response.context["stats"].cards}
    closing = cards["mean_time_to_close"]
    assert closing.measure.value == 25.5  # c1 in 3 hours, c2 in 48
    assert (closing.shown.text, closing.shown.basis) == ("1 天 2 小时", "共 2 件")
    rate = cards["acceptance_rate"]
    assert rate.shown.basis == f"{rate.measure.numerator} / {rate.measure.denominator}"
    html = response.content.decode()
    assert "1 天 2 小时" in html and "25.5" not in html
    assert html.count("data-definition") == len(cards)
    assert str(cards["closure_rate"].description) in html


def test_the_indicator_page_reads_durations_too(client, month):
    client.force_login(month.personas.street_chief_a)
    url = reverse("insights:indicator", args=["mean_time_to_close"])
    place = month.personas.tree.street_a.code
    html = client.get(url, {"place": place, "start": "2024-05-01", "end": "2024-05-31"})
    body = html.content.decode()
    assert 'id="indicator-value">1 天 2 小时<' in body
    assert "共 2 件" in body


# --- The same filters on the indicator pages, the indicator API and the Excel export


def _api(client, user, code, **params):
    client.force_login(user)
    return client.get(f"/api/v1/indicators/{code}", {**MAY_DAYS, **params})


MAY_DAYS = {"start": "2024-05-01", "end": "2024-05-31"}


def test_the_indicator_api_counts_one_channel_or_type(client, month):
    chief = month.personas.street_chief_a
    everything = _api(client, chief, "reports_filed").json()
    hotline = _api(client, chief, "reports_filed", channel="hotline").json()
    grid = _api(client, chief, "reports_filed", type="GRID").json()
    # The month's grid-management cases are all of the GRID type: only the channel narrows.
    assert (everything["value"], hotline["value"], grid["value"]) == (5, 1, 5)
    assert (hotline["channel"], grid["case_type"]) == ("hotline", "GRID")
    assert "channel=hotline" in hotline["records_url"]
    # Nothing else moves: the place and period are those asked for.
    for body in (hotline, grid):
        assert (body["place"], body["start"], body["end"]) == (
            everything["place"],
            "2024-05-01",
            "2024-05-31",
        )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"type": "NOPE"}, "没有这种案件类型"),
        ({"type": "WISH"}, "没有这种案件类型"),
        ({"channel": "carrier_pigeon"}, "没有这种来源渠道"),
    ],
)
def test_a_bad_filter_on_the_indicator_api_is_400_in_chinese(client, month, params, words):
    response = _api(client, month.personas.street_chief_a, "reports_filed", **params)
    assert response.status_code == 400
    assert words in response.json()["message"]


def test_an_indicator_not_about_cases_refuses_the_filters(client, month):
    response = _api(client, month.personas.district_admin, "service_hours", channel="hotline")
    assert response.status_code == 400
    assert "不是关于案件的指标" in response.json()["message"]
    assert _api(client, month.personas.district_admin, "service_hours").status_code == 200


def test_the_indicator_page_lists_the_filtered_records(client, month):
    client.force_login(month.personas.street_chief_a)
    url = reverse("insights:indicator", args=["reports_filed"])
    response = client.get(url, {**MAY_DAYS, "channel": "hotline"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    html = response.content.decode()
    assert 'value="hotline" selected' in html
    assert 'name="channel" value="hotline"' in html  # the export asks for the same records
    assert client.get(url, MAY_DAYS).context["page"].paginator.count == 5
    bad = client.get(url, {**MAY_DAYS, "type": "NOPE"})
    assert bad.status_code == 400 and "没有这种案件类型" in bad.content.decode()


def test_the_export_takes_the_filters_and_refuses_bad_ones(client, month):
    from django.test import TestCase

    from meihao.insights.models import ExportJob

    client.force_login(month.personas.street_chief_a)
    url = "/insights/indicators/reports_filed/export/"
    bad = client.post(url, {**MAY_DAYS, "channel": "carrier_pigeon"})
    assert bad.status_code == 400 and "没有这种来源渠道" in bad.content.decode()
    assert not ExportJob.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {**MAY_DAYS, "channel": "hotline"})
    job = ExportJob.objects.get()
    assert (job.status, job.rows_total) == (ExportJob.Status.DONE, 1)
    assert "hotline" in job.filename
