"""门前三包: pledges entered by the place's workers, checks by its grid workers (in their patrol
when one is under way), a failed check filing a grid case for the shop, the figures, and 404
for everyone outside."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from meihao.cases.models import Case
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.frontage import services
from meihao.frontage.models import Check, Pledge
from meihao.insights.registry import REGISTRY, Span
from meihao.patrols.models import PatrolSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(personas):
    return services.pledge_create(
        actor=personas.community_staff_a,
        grid_id=personas.tree.grid_a1.pk,
        name="骑楼糖水铺",
        address="骑楼街12号",
        signer="店主陈某",
        signed_on="2026-01-10",
    )


def test_a_passed_check_files_nothing(pledge, personas):
    check = services.check_record(actor=personas.grid_worker_a, pledge=pledge, passed=True)
    pledge.refresh_from_db()
    assert check.case is None and pledge.last_passed is True and not Case.objects.exists()


def test_a_failed_check_files_a_grid_case_for_the_shop_in_the_patrol(pledge, personas):
    patrol = PatrolSession.objects.create(
        worker=personas.grid_worker_a,
        person=personas.grid_worker_a.person,
        grid=personas.tree.grid_a1,
        place_path=personas.tree.grid_a1.path,
        started_at=timezone.now(),
        client_id=uuid.uuid4(),
    )
    check = services.check_record(
        actor=personas.grid_worker_a,
        pledge=pledge,
        passed=False,
        failed=["orderly", "clean", "bogus"],
        note="桌椅摆到人行道上",
    )
    case = check.case
    assert check.patrol == patrol and check.failed == "clean,orderly"
    assert case.channel == Case.Channel.GRID_PATROL and case.place == personas.tree.grid_a1
    assert case.category.code == "0105" and "骑楼糖水铺" in case.description
    assert "桌椅摆到人行道上" in case.description
    pledge.refresh_from_db()
    assert pledge.last_passed is False


@pytest.mark.parametrize(
    ("passed", "failed"), [(False, []), (True, ["clean"]), (False, ["nothing-we-know"])]
)
def test_a_check_that_contradicts_itself_is_refused(pledge, personas, passed, failed):
    with pytest.raises(ValidationFailed):
        services.check_record(
            actor=personas.grid_worker_a, pledge=pledge, passed=passed, failed=failed
        )
    assert not Check.objects.exists()


def test_who_may_check(pledge, personas):
    with pytest.raises(PermissionDenied):  # community staff enter pledges; grid workers check
        services.check_record(actor=personas.community_staff_a, pledge=pledge, passed=True)
    with pytest.raises(NotFound):
        services.check_record(actor=personas.grid_worker_b, pledge=pledge, passed=True)
    assert not Check.objects.exists()


def test_pages_are_the_places_workers_and_404_for_others(client, pledge, personas):
    for name in ("resident_a", "grid_worker_b", "outsider", "department_staff"):
        client.force_login(getattr(personas, name))
        assert client.get(reverse("frontage:pledge", args=[pledge.pk])).status_code == 404
        response = client.post(reverse("frontage:check", args=[pledge.pk]), {"result": "passed"})
        assert response.status_code == 404
    assert not Check.objects.exists()
    client.force_login(personas.grid_worker_a)
    response = client.post(
        reverse("frontage:check", args=[pledge.pk]), {"result": "failed", "note": "x"}
    )
    assert response.status_code == 400 and "整洁" in response.content.decode()
    response = client.post(
        reverse("frontage:check", args=[pledge.pk]), {"result": "failed", "failed": ["green"]}
    )
    assert response.status_code == 302
    page = client.get(reverse("frontage:pledge", args=[pledge.pk])).content.decode()
    assert Check.objects.get().case.number in page


def test_entering_a_pledge_refuses_bad_input(client, personas):
    client.force_login(personas.community_staff_a)
    for data in (
        {
            "grid": personas.tree.grid_b1.pk,
            "name": "店",
            "address": "街",
            "signer": "人",
            "signed_on": "2026-01-01",
        },
        {
            "grid": personas.tree.grid_a1.pk,
            "name": "",
            "address": "街",
            "signer": "人",
            "signed_on": "2026-01-01",
        },
        {"grid": "x", "name": "店", "address": "街", "signer": "人", "signed_on": "2026-01-01"},
        {
            "grid": personas.tree.grid_a1.pk,
            "name": "店",
            "address": "街",
            "signer": "人",
            "signed_on": "2999-01-01",
        },
    ):
        assert client.post(reverse("frontage:new"), data).status_code == 400
    assert not Pledge.objects.exists()
    response = client.post(
        reverse("frontage:new"),
        {
            "grid": personas.tree.grid_a1.pk,
            "name": "<b>早餐店</b>",
            "address": "骑楼街3号",
            "signer": "李某",
            "signed_on": "2026-01-01",
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("frontage:list")).content.decode()
    assert "&lt;b&gt;早餐店&lt;/b&gt;" in listing


def _span(place):
    first, last = datetime.date(2000, 1, 1), timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    )
    return Span(place_path=place.path, start=start, end=end, first_day=first, last_day=last)


def test_the_figures(pledge, personas):
    services.check_record(actor=personas.grid_worker_a, pledge=pledge, passed=True)
    services.check_record(
        actor=personas.grid_worker_a, pledge=pledge, passed=False, failed=["green"]
    )
    withdrawn = services.pledge_create(
        actor=personas.community_staff_a,
        grid_id=personas.tree.grid_a1.pk,
        name="旧店",
        address="骑楼街1号",
        signer="王某",
        signed_on="2026-01-01",
    )
    services.pledge_withdraw(actor=personas.community_staff_a, pledge=withdrawn)
    span = _span(personas.tree.street_a)
    assert REGISTRY["frontage_pledges"].measure(span).value == 1
    passed = REGISTRY["frontage_checks_passed"].measure(span)
    assert (passed.numerator, passed.denominator) == (1, 2)
    assert REGISTRY["frontage_cases"].measure(span).value == 1
    assert REGISTRY["frontage_pledges"].measure(_span(personas.tree.street_b)).value == 0
