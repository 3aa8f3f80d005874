"""The verification queue shows each case's report photos and the handler's report-back photos
side by side: the before and after of the fix."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meihao.cases import services
from meihao.cases.models import CasePhoto, PhotoStage
from meihao.cases.tests.reporter_helpers import upload
from meihao.cases.tests.test_staff_pages import dispatched, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _reported_back(case, personas, *, photos):
    dispatched(case, personas)
    services.case_start(case=case, actor=personas.department_staff)
    return services.case_report_back_with_photos(
        case=case,
        actor=personas.department_staff,
        note="已清理",
        files=[upload() for _ in range(photos)],
    )


def _side(html: str, number: str, stage: str) -> list[int]:
    row = html.split(f'id="case-{number}"', 1)[1].split('class="list-group-item case-item', 1)[0]
    side = row.split(f'data-photos="{stage}"', 1)[1].split("</figure>", 1)[0]
    return [int(pk) for pk in re.findall(r'data-photo="(\d+)"', side)]


def test_before_and_after_side_by_side(client, personas, new_case):
    case = new_case(photos=[upload(), upload()])
    _reported_back(case, personas, photos=1)
    login(client, personas.grid_worker_a)
    html = client.get(reverse("cases:verify")).content.decode()
    before = list(
        CasePhoto.objects.filter(case=case, stage=PhotoStage.REPORT).values_list("pk", flat=True)
    )
    after = list(
        CasePhoto.objects.filter(case=case, stage=PhotoStage.REPORT_BACK).values_list(
            "pk", flat=True
        )
    )
    assert len(before) == 2 and len(after) == 1
    assert _side(html, case.number, "before") == before
    assert _side(html, case.number, "after") == after
    assert "之前：上报时" in html and "之后：反馈时" in html
    # The grid worker may open what the row links to.
    assert client.get(reverse("cases:photo", args=[after[0], "thumb"])).status_code == 200
    assert client.get(reverse("cases:photo", args=[before[0], "full"])).status_code == 200


def test_a_side_without_photos_says_so(client, personas, new_case):
    case = new_case(photos=[upload()])
    _reported_back(case, personas, photos=0)
    login(client, personas.grid_worker_a)
    html = client.get(reverse("cases:verify")).content.decode()
    assert len(_side(html, case.number, "before")) == 1
    assert _side(html, case.number, "after") == [] and "没有照片" in html


def test_no_photos_no_pair(client, personas, new_case):
    case = new_case()
    _reported_back(case, personas, photos=0)
    login(client, personas.grid_worker_a)
    html = client.get(reverse("cases:verify")).content.decode()
    assert case.number in html and "data-before-after" not in html


def test_the_photos_cost_one_query_per_page(client, personas, new_case):
    login(client, personas.grid_worker_a)
    _reported_back(new_case(photos=[upload()]), personas, photos=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("cases:verify"))
    for _ in range(3):
        _reported_back(new_case(photos=[upload()]), personas, photos=1)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("cases:verify"))
    assert len(four) == len(one)


def test_the_row_after_an_action_keeps_its_photos(client, personas, new_case):
    case = new_case(photos=[upload()])
    _reported_back(case, personas, photos=1)
    login(client, personas.grid_worker_a)
    url = reverse("cases:case_action", args=[case.number, "reopen"])
    response = client.post(url, {"list": "verify", "reason": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and 'data-photos="after"' in html
