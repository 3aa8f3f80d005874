"""Submission, numbering, concurrency, input checks, merging, routing."""

import re

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from meihao.cases import routing, selectors, services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent, CaseFollower, CaseType
from meihao.cases.tests.conftest import local
from meihao.core.errors import (
    ConcurrentChange,
    IllegalTransition,
    PermissionDenied,
    ValidationFailed,
)
from meihao.core.idempotency import IdempotencyKeyReused
from meihao.core.models import AuditEvent


def test_submission_records_place_event_follower_and_deadline(personas, new_case):
    case = new_case()
    assert case.status == "submitted"
    assert case.place == personas.tree.grid_a1
    assert case.place_path == personas.tree.grid_a1.path
    assert case.respond_by is not None and case.resolve_by is None
    assert list(case.events.values_list("action", "from_status", "to_status")) == [
        ("submit", "", "submitted")
    ]
    assert CaseFollower.objects.filter(case=case, user=personas.grid_worker_a).exists()
    assert AuditEvent.objects.filter(action="case.submit", target_id=str(case.pk)).count() == 1


def test_point_on_the_edge_of_two_grids_goes_to_the_lower_code(personas, new_case):
    assert new_case(lat=23.41, lon=111.21).place == personas.tree.grid_a1


def test_given_place_wins_over_the_point(personas, new_case):
    assert new_case(place=personas.tree.grid_a2).place == personas.tree.grid_a2


def test_point_outside_every_grid_is_refused(personas, new_case):
    with pytest.raises(ValidationFailed) as error:
        new_case(lat=30.0, lon=120.0)
    assert error.value.code == "outside_grids"
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": "   "}, "description"),
        ({"category": None}, "category"),
        ({"channel": "pigeon"}, "channel"),
        ({"lat": 123.0}, "lat"),
    ],
)
def test_bad_submissions_change_nothing(personas, new_case, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        new_case(**overrides)
    assert error.value.field == field
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_major_class_is_not_a_valid_choice(personas, new_case, grid_type):
    with pytest.raises(ValidationFailed):
        new_case(category=grid_type.categories.get(code="05"))


def test_private_type_refuses_roles_it_does_not_list(personas, new_case):
    hazard = CaseType.objects.create(
        code="HAZARD", number_prefix="YH", name_zh="安全隐患", submit_roles=["grid_worker"]
    )
    with pytest.raises(PermissionDenied):
        new_case(actor=personas.resident_a, case_type=hazard, category=None)
    number = new_case(actor=personas.grid_worker_a, case_type=hazard, category=None).number
    assert number.startswith("YH")


def test_anonymous_public_report_needs_a_phone(personas, new_case):
    with pytest.raises(ValidationFailed):
        new_case(actor=None, channel=Case.Channel.HOTLINE)
    case = new_case(actor=None, channel=Case.Channel.HOTLINE, reporter_phone="0774-3822345")
    assert case.submitted_by is None and case.reporter_phone == "0774-3822345"


def test_form_fields_are_validated_on_the_server(personas, new_case):
    wish = CaseType.objects.create(
        code="FORMTEST",
        number_prefix="FT",
        name_zh="表单测试",
        public_may_submit=True,
        form_schema={
            "type": "object",
            "properties": {
                "budget": {"type": "integer", "minimum": 1, "maximum": 500, "title": "预算"},
                "kind": {"type": "string", "enum": ["物品", "服务"]},
            },
            "required": ["budget"],
        },
    )

    def submit(data):
        return new_case(actor=personas.resident_a, case_type=wish, category=None, data=data)

    for bad in ({}, {"budget": 0}, {"budget": "10"}, {"budget": 5, "kind": "钱"}, {"x": 1}):
        with pytest.raises(ValidationFailed):
            submit(bad)
    assert submit({"budget": 50.0, "kind": "物品"}).data == {"budget": 50, "kind": "物品"}


def test_same_idempotency_key_files_once(personas, new_case):
    first = new_case(idempotency_key="offline-7f3a9c2e")
    again = new_case(idempotency_key="offline-7f3a9c2e")
    assert again.pk == first.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_same_idempotency_key_with_another_report_is_refused(personas, new_case):
    new_case(idempotency_key="offline-7f3a9c2e")
    with pytest.raises(IdempotencyKeyReused):
        new_case(idempotency_key="offline-7f3a9c2e", description="改了描述")
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_idempotency_key_of_someone_else_is_refused(personas, new_case):
    new_case(idempotency_key="offline-7f3a9c2e")
    with pytest.raises(ValidationFailed):
        new_case(actor=personas.resident_a, idempotency_key="offline-7f3a9c2e")


# --- numbering ---------------------------------------------------------------------------------


def test_numbers_are_readable_unique_and_restart_each_local_day(personas, new_case):
    with time_machine.travel(local(2024, 5, 20, 23, 59), tick=False):
        a, b = new_case(), new_case()
    # 00:01 in Shanghai is still the 20th in UTC: the local date counts.
    with time_machine.travel(local(2024, 5, 21, 0, 1), tick=False):
        c = new_case()
    assert [a.number, b.number, c.number] == [
        "WG202405200001",
        "WG202405200002",
        "WG202405210001",
    ]
    assert all(re.fullmatch(r"WG\d{12}", n) for n in (a.number, b.number, c.number))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_concurrent_submissions_never_share_a_number(personas, grid_type, vending):
    import threading

    from django.db import connections

    numbers, errors = [], []
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                case = services.case_submit(
                    actor=personas.grid_worker_a,
                    case_type=grid_type,
                    category=vending,
                    description="并发上报",
                    lat=23.41,
                    lon=111.205,
                    channel=Case.Channel.GRID_PATROL,
                )
                numbers.append(case.number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == 30
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, 31))


# --- concurrency -------------------------------------------------------------------------------


def test_two_dispatchers_at_once_one_wins(personas, new_case):
    case = new_case()
    seen_by_chief = Case.objects.get(pk=case.pk)
    seen_by_staff = Case.objects.get(pk=case.pk)
    services.case_dispatch(
        case=seen_by_chief, actor=personas.street_chief_a, organisation=personas.department
    )
    events = CaseEvent.objects.count()
    with pytest.raises(ConcurrentChange):
        services.case_reject(case=seen_by_staff, actor=personas.community_staff_a, reason="重复")
    case.refresh_from_db()
    assert case.status == "dispatched" and case.version == 2
    assert CaseEvent.objects.count() == events


def test_same_action_twice_from_stale_copies_one_wins(personas, new_case):
    case = new_case()
    copy_a, copy_b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_accept(case=copy_a, actor=personas.street_chief_a)
    with pytest.raises(ConcurrentChange):
        services.case_accept(case=copy_b, actor=personas.community_staff_a)
    assert list(case.events.values_list("action", flat=True)) == ["submit", "accept"]


def test_illegal_transition_is_a_domain_error_with_a_message(personas, new_case):
    case = new_case()
    with pytest.raises(IllegalTransition) as error:
        services.case_verify_close(case=case, actor=personas.grid_worker_a)
    assert str(error.value) == "该事件当前为“已上报”，现在不能核查结案。"
    with translation.override("en"), pytest.raises(IllegalTransition) as error:
        services.case_verify_close(case=case, actor=personas.grid_worker_a)
    assert str(error.value) == "This case is “Submitted”; you cannot verify and close it now."
    assert case.events.count() == 1


@pytest.mark.parametrize(
    "service, kwargs",
    [
        (services.case_reject, {"reason": " "}),
        (services.case_dispatch, {}),
    ],
)
def test_missing_required_input_changes_nothing(personas, new_case, service, kwargs):
    case = new_case()
    with pytest.raises(ValidationFailed):
        service(case=case, actor=personas.street_chief_a, **kwargs)
    case.refresh_from_db()
    assert case.status == "submitted" and case.version == 1 and case.events.count() == 1


def test_dispatch_to_a_department_of_another_place_is_refused(personas, new_case):
    from meihao.people.models import Organisation

    street_b = personas.tree.street_b
    other = Organisation.objects.create(
        name="城南街道综合执法队",
        short_name="城管",
        kind=Organisation.Kind.DEPARTMENT,
        place=street_b,
        place_path=street_b.path,
    )
    with pytest.raises(ValidationFailed):
        services.case_dispatch(case=new_case(), actor=personas.street_chief_a, organisation=other)


def test_extension_must_be_later_than_the_deadline(personas, new_case):
    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    with pytest.raises(ValidationFailed):
        services.case_request_extension(
            case=case, actor=personas.department_staff, until=case.resolve_by, reason="x"
        )
    services.case_request_extension(
        case=case,
        actor=personas.department_staff,
        until=case.resolve_by.replace(year=case.resolve_by.year + 1),
        reason="x",
    )
    with pytest.raises(IllegalTransition):  # one pending request at a time
        services.case_request_extension(
            case=case,
            actor=personas.department_staff,
            until=case.resolve_by.replace(year=case.resolve_by.year + 2),
            reason="y",
        )


# --- merging and routing -----------------------------------------------------------------------


def test_reporter_of_a_merged_duplicate_follows_the_original(personas, new_case):
    from meihao.cases.models import CaseFollower

    original = new_case()
    duplicate = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    services.case_merge_duplicate(case=duplicate, actor=personas.street_chief_a, original=original)
    assert duplicate.status == "duplicate" and duplicate.duplicate_of == original
    assert CaseFollower.objects.filter(case=original, user=personas.resident_a).exists()
    # Following is not seeing in full: the follower reads the public representation.
    assert not Case.objects.visible_to(personas.resident_a).filter(pk=original.pk).exists()
    assert not case_abilities(Case.objects.get(pk=original.pk), personas.resident_a)["view"]


def test_case_cannot_duplicate_itself(personas, new_case):
    case = new_case()
    with pytest.raises(ValidationFailed):
        services.case_merge_duplicate(case=case, actor=personas.street_chief_a, original=case)


def test_auto_routed_type_is_dispatched_to_the_class_department(personas, new_case, grid_type):
    grid_type.dispatch_mode = CaseType.DispatchMode.AUTO
    grid_type.save()
    case = new_case()
    assert case.status == "dispatched"
    assert case.assigned_organisation == personas.department
    assert list(case.events.values_list("action", "actor")) == [
        ("submit", personas.grid_worker_a.pk),
        ("dispatch", None),
    ]


def test_an_auto_routed_case_goes_where_the_board_would_suggest(
    personas, new_case, grid_type, street_team
):
    grid_type.dispatch_mode = CaseType.DispatchMode.AUTO
    grid_type.save()
    case = new_case()
    organisations, teams = selectors.department_choices()
    board = routing.suggest_assignees([case], organisations, teams)[case.pk]
    assert (board.organisation, board.team) == (personas.department, street_team)
    assert (case.assigned_organisation, case.assigned_team) == (board.organisation, board.team)
    assert case.events.get(action="dispatch").data["team"] == street_team.pk


def test_closed_case_went_through_report_back_and_verification(personas, new_case):
    case = new_case()
    services.case_dispatch(
        case=case, actor=personas.street_chief_a, organisation=personas.department
    )
    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    services.case_reopen(case=case, actor=personas.grid_worker_a, reason="又摆回来了")
    services.case_start(case=case, actor=personas.department_staff)
    services.case_report_back(case=case, actor=personas.department_staff, note="已取缔")
    services.case_verify_close(case=case, actor=personas.grid_worker_a, note="现场已无摊点")
    assert case.closed_at is not None
    assert list(case.events.values_list("action", flat=True)) == [
        "submit", "dispatch", "report_back", "reopen", "start", "report_back", "verify_close",
    ]  # fmt: skip
