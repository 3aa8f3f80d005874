"""The generic indicator pages: value, trend, the records behind the number, and their export."""

import io
import json

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from meihao.insights.models import ExportJob
from meihao.insights.registry import REGISTRY, Unit
from meihao.insights.tests.conftest import build_month, local

MAY = {"start": "2024-05-01", "end": "2024-05-31"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page(client, user, code, **params):
    client.force_login(user)
    return client.get(f"/insights/indicators/{code}/", params)


def test_the_list_shows_what_the_users_roles_read(client, personas):
    client.force_login(personas.grid_worker_a)
    html = client.get("/insights/indicators/").content.decode()
    assert "/insights/indicators/acceptance_rate/" in html
    assert "/insights/indicators/service_hours/" not in html  # volunteering: organisers
    client.force_login(personas.community_staff_a)
    html = client.get("/insights/indicators/").content.decode()
    assert "/insights/indicators/service_hours/" in html
    client.force_login(personas.resident_a)
    assert client.get("/insights/indicators/").status_code == 404


def test_value_definition_trend_and_records_of_a_place_and_period(client, month):
    p = month.personas
    response = page(client, p.street_chief_a, "acceptance_rate", place="450403001", **MAY)
    assert response.status_code == 200
    reading = response.context["reading"]
    assert reading.place == p.tree.street_a
    assert (reading.measure.numerator, reading.measure.denominator) == (2, 4)
    html = response.content.decode()
    assert "50.0%" in html
    assert str(reading.indicator.definition) in html
    rows = response.context["rows"]
    assert len(rows) == 4
    assert sum(1 for row in rows if row["cells"][-1]) == 2  # "in the numerator"
    numbers = {month.cases[c].number for c in ("c1", "c2", "c3", "c6")}
    assert {row["cells"][0] for row in rows} == numbers
    assert f'href="/cases/{month.cases["c1"].number}/"' in html
    trend = json.loads(response.context["trend"] and json.dumps(response.context["trend"]))
    assert len(trend["labels"]) == 12 and trend["labels"][-1] == "2024-05"
    assert trend["values"][-1] == 50.0 and trend["values"][-2] == 0.0  # April: c0, unaccepted
    assert 'id="indicator-trend-data"' in html and "insights/indicator.js" in html


def test_the_period_defaults_to_the_last_30_days(client, month):
    with time_machine.travel(local(2024, 5, 20, 12, 0), tick=False):
        reading = page(client, month.personas.district_admin, "reports_filed").context["reading"]
    assert (reading.span.first_day.isoformat(), reading.span.last_day.isoformat()) == (
        "2024-04-21",
        "2024-05-20",
    )
    assert reading.measure.value == 6  # c0 on 30 April is in; c6 was filed on the 21st


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-05-31", "2024-05-01"),  # ends before it starts
        ("2024-02-30", "2024-03-01"),  # no such day
        ("２０２４-05-01", "2024-05-31"),  # full-width digits
        ("0001-01-01", "2024-05-31"),  # out of range
        ("2020-01-01", "2024-05-31"),  # longer than three years
        ("yesterday", ""),
    ],
)
def test_a_bad_period_is_a_400_in_chinese(client, month, start, end):
    response = page(client, month.personas.district_admin, "reports_filed", start=start, end=end)
    assert response.status_code == 400
    message = str(response.context["error"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "place"),
    [
        ("community_staff_a", "450403002001"),  # community B
        ("community_staff_a", "450403"),  # above the user's community
        ("street_chief_a", "450403002"),  # the other street
        ("district_admin", "999999"),  # no such place
    ],
)
def test_a_place_outside_the_users_scope_is_404(client, month, persona, place):
    user = getattr(month.personas, persona)
    assert page(client, user, "reports_filed", place=place, **MAY).status_code == 404
    client.force_login(user)
    response = client.post("/insights/indicators/reports_filed/export/", {"place": place, **MAY})
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("persona", "code"),
    [("resident_a", "reports_filed"), ("grid_worker_a", "service_hours"), ("outsider", "x")],
)
def test_indicators_outside_the_users_roles_are_404(client, month, persona, code):
    assert page(client, getattr(month.personas, persona), code, **MAY).status_code == 404


def test_the_records_query_count_does_not_grow_with_the_page(client, personas):
    build_month(personas)
    params = {"place": "450403", **MAY}

    def queries():
        client.force_login(personas.district_admin)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/insights/indicators/reports_filed/", params)
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    few, rows_few = queries()
    build_month(personas)
    build_month(personas)
    many, rows_many = queries()
    assert rows_many == 3 * rows_few
    assert many == few


def test_exporting_the_records_runs_in_the_worker_for_the_asker_only(client, month):
    p = month.personas
    client.force_login(p.street_chief_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/insights/indicators/acceptance_rate/export/", {"place": "450403001", **MAY}
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/insights/exports/{job.pk}/"
    assert (job.owner, job.status, job.rows_total, job.rows_done) == (
        p.street_chief_a,
        ExportJob.Status.DONE,
        4,
        4,
    )
    status = client.get(job and response["Location"], HTTP_HX_REQUEST="true")
    assert 'data-state="done"' in status.content.decode()
    download = client.get(f"/insights/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert job.filename in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and rows[0][-1] == "计入分子"
    assert {row[0] for row in rows[1:]} == {month.cases[c].number for c in ("c1", "c2", "c3", "c6")}
    assert sum(1 for row in rows[1:] if row[-1]) == 2

    client.force_login(p.district_admin)  # sees more, but did not ask
    assert client.get(f"/insights/exports/{job.pk}/").status_code == 404
    assert client.get(f"/insights/exports/{job.pk}/download/").status_code == 404


def test_a_waiting_export_is_polled(client, month):
    from meihao.insights.services import export_request

    job = export_request(
        actor=month.personas.street_chief_a,
        kind=ExportJob.Kind.INDICATOR_RECORDS,
        params={"code": "reports_filed", "place": "450403001", **MAY},
    )  # not committed in this test: the worker has not run
    client.force_login(month.personas.street_chief_a)
    html = client.get(f"/insights/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in html and 'data-state="queued"' in html
    assert client.get(f"/insights/exports/{job.pk}/download/").status_code == 404
    # Asking again while it waits follows the same job.
    response = client.post(
        "/insights/indicators/reports_filed/export/", {"place": "450403001", **MAY}
    )
    assert response["Location"] == f"/insights/exports/{job.pk}/"
    assert ExportJob.objects.count() == 1


def test_exports_are_deleted_with_their_file_after_a_week(month):
    from pathlib import Path

    from meihao.insights import tasks
    from meihao.insights.services import export_request

    with (
        time_machine.travel(local(2024, 6, 1, 9, 0), tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        job = export_request(
            actor=month.personas.street_chief_a,
            kind=ExportJob.Kind.INDICATOR_RECORDS,
            params={"code": "reports_filed", "place": "450403001", **MAY},
        )
    job.refresh_from_db()
    path = Path(job.file.path)
    assert path.exists()
    with time_machine.travel(local(2024, 6, 8, 8, 0), tick=False):
        assert tasks.exports_purge_task.call_local() == 0
    with time_machine.travel(local(2024, 6, 8, 10, 0), tick=False):
        assert tasks.exports_purge_task.call_local() == 1
    assert not path.exists()
    assert not ExportJob.objects.exists()


def test_an_export_whose_owner_lost_the_scope_fails_in_words(month):
    from meihao.insights.services import export_request, export_run

    chief = month.personas.street_chief_a
    job = export_request(
        actor=chief,
        kind=ExportJob.Kind.INDICATOR_RECORDS,
        params={"code": "reports_filed", "place": "450403001", **MAY},
    )
    chief.role_assignments.all().delete()
    chief = type(chief).objects.get(pk=chief.pk)  # no cached scopes
    assert export_run(job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error and not job.file
    assert export_run(job.pk) == ""  # claimed once: a task delivered twice does nothing


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_registered_indicator_has_a_working_page_and_api(client, month, code):
    """The district admin reads every capability: each page lists what its value counts."""
    response = page(client, month.personas.district_admin, code, **MAY)
    assert response.status_code == 200
    reading = response.context["reading"]
    listed = response.context["page"].paginator.count
    if reading.indicator.unit == Unit.COUNT:
        assert reading.measure.value == listed
    if reading.indicator.is_rate:
        assert reading.measure.denominator == listed
    api = client.get(f"/api/v1/indicators/{code}", MAY)
    assert api.status_code == 200 and api.json()["value"] == reading.measure.value


def test_the_records_pager_keeps_the_place_and_period(client, personas, monkeypatch):
    monkeypatch.setattr("meihao.insights.views.RECORDS_PAGE_SIZE", 2)
    build_month(personas)
    response = page(client, personas.district_admin, "reports_filed", place="450403", **MAY)
    html = response.content.decode()
    next_link = "?place=450403&amp;start=2024-05-01&amp;end=2024-05-31&amp;page=2"
    assert f'href="{next_link}"' in html
    second = page(client, personas.district_admin, "reports_filed", place="450403", page=2, **MAY)
    assert second.context["page"].number == 2
    assert {r["cells"][0] for r in second.context["rows"]}.isdisjoint(
        {r["cells"][0] for r in response.context["rows"]}
    )


def _sent(call):
    """What `call` answers and the SQL it sent (counted as sent: a request clears the
    connection's own log when it starts)."""
    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        return call(), sent


def _many_records(personas) -> None:
    """120 records in May 2024 behind each of a case rate, the volunteers' hours and party
    meeting attendance."""
    from meihao.activities.models import ServiceRecord
    from meihao.cases.models import Case, CaseType
    from meihao.party.models import MeetingType
    from meihao.party.testing import build_party, make_meeting

    t = personas.tree
    grid = CaseType.objects.get(code="GRID")
    category = grid.categories.filter(parent__isnull=False).first()
    party = build_party(personas)
    committee = MeetingType.objects.get(code="committee")
    for n in range(120):
        filed = local(2024, 5, 1 + n % 28, 9, 0)
        Case.objects.create(
            number=f"P{n:012d}",
            case_type=grid,
            category=category,
            description="路灯不亮",
            place=t.grid_a1,
            place_path=t.grid_a1.path,
            channel=Case.Channel.GRID_PATROL,
            status="reported_back",
            created_at=filed,
            updated_at=filed,
            resolve_by=filed.replace(hour=18),
            reported_back_at=filed.replace(hour=12 if n % 3 else 20),
        )
        ServiceRecord.objects.create(
            person=personas.volunteer_a.person,
            service_date=filed.date(),
            place=t.grid_a1,
            place_path=t.grid_a1.path,
            content="清扫街巷",
            minutes=60 + n,
            source=ServiceRecord.Source.STAFF_ENTRY,
            recording_organisation="骑楼社区",
            person_in_charge="社区干部甲",
            created_by=personas.community_staff_a,
            evidence="service-evidence/2024/05/sheet.jpg",
        )
        meeting = make_meeting(party.branch_a1, committee, filed.date())
        meeting.expected, meeting.present = 10, 7 + n % 4
        meeting.save()


@pytest.mark.parametrize(
    "code", ["on_time_handling_rate", "service_hours", "party_meeting_attendance"]
)
def test_the_records_query_count_is_the_same_at_any_page_size(client, personas, monkeypatch, code):
    from meihao.insights import views

    _many_records(personas)
    client.force_login(personas.district_admin)
    counted = {}
    for size in (10, 100):
        monkeypatch.setattr(views, "RECORDS_PAGE_SIZE", size)
        response, sent = _sent(
            lambda: client.get(f"/insights/indicators/{code}/", {"place": "450403", **MAY})
        )
        assert response.status_code == 200
        assert len(response.context["rows"]) == size
        counted[size] = len(sent)
    assert counted[10] == counted[100]
