"""Permission matrix: every persona against every action, on a case where the action is legal.

Case filed by grid worker A in grid A1, dispatched (where relevant) to 城管. Expected outcome per
persona: OK, NotFound (cannot see the case: as if it did not exist) or PermissionDenied (sees it,
may not do this). A refused call changes nothing: no status, version, event or audit row.
"""

from datetime import timedelta

import pytest

from meihao.cases import services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent
from meihao.core.errors import NotFound, PermissionDenied
from meihao.core.models import AuditEvent
from meihao.core.testing import CASE_PERSONAS

OK = "ok"
NF = NotFound
PD = PermissionDenied
PERSONAS = CASE_PERSONAS


def row(gw_a, gw_b, cs_a, chief, dept, admin, res_a=NF, res_b=NF, outsider=NF):
    return dict(
        zip(PERSONAS, (gw_a, gw_b, cs_a, chief, dept, admin, res_a, res_b, outsider), strict=True)
    )


# Who may act, by group (cases.access): before dispatch the department cannot see the case.
DISPATCHER = row(PD, NF, OK, OK, NF, OK)
HANDLER = row(PD, NF, PD, PD, OK, PD)
VERIFIER = row(OK, NF, OK, OK, PD, OK)
SUPERVISOR_BEFORE_DISPATCH = row(PD, NF, PD, OK, NF, OK)
SUPERVISOR = row(PD, NF, PD, OK, PD, OK)
DISPATCHER_AFTER_DISPATCH = row(PD, NF, OK, OK, PD, OK)

MATRIX = {
    # action: (state to set up, arguments, expected outcomes)
    "accept": ("submitted", {}, DISPATCHER),
    "dispatch": ("accepted", {"organisation": "department"}, DISPATCHER),
    "reject": ("submitted", {"reason": "不属于受理范围"}, DISPATCHER),
    "merge": ("submitted", {"original": "other_case"}, DISPATCHER),
    "start": ("dispatched", {}, HANDLER),
    "report_back": ("in_progress", {"note": "已清理完毕"}, HANDLER),
    "return": ("dispatched", {"reason": "不属于本部门职责"}, HANDLER),
    "request_extension": ("in_progress", {"until": "later", "reason": "需协调"}, HANDLER),
    "approve_extension": ("extension_requested", {}, SUPERVISOR),
    "deny_extension": ("extension_requested", {"reason": "时限足够"}, SUPERVISOR),
    "verify_close": ("reported_back", {}, VERIFIER),
    "reopen": ("reported_back", {"reason": "仍有摊贩"}, VERIFIER),
    "park": ("dispatched", {"reason": "需纳入改造计划"}, SUPERVISOR),
    "unpark": ("parked", {}, SUPERVISOR),
    "void": ("submitted", {"reason": "误报"}, SUPERVISOR_BEFORE_DISPATCH),
    "urge": ("in_progress", {"note": "请今天处理"}, DISPATCHER_AFTER_DISPATCH),
    "mark_urgent": ("dispatched", {}, SUPERVISOR),
    "unmark_urgent": ("urgent", {}, SUPERVISOR),
}


def bring_to(state, case, p):
    chief, dept = p.street_chief_a, p.department_staff
    if state == "submitted":
        return case
    if state == "accepted":
        return services.case_accept(case=case, actor=chief)
    services.case_dispatch(case=case, actor=chief, organisation=p.department)
    if state == "dispatched":
        return case
    if state == "parked":
        return services.case_park(case=case, actor=chief, reason="挂账")
    if state == "urgent":
        return services.case_mark_urgent(case=case, actor=chief)
    services.case_start(case=case, actor=dept)
    if state == "in_progress":
        return case
    if state == "extension_requested":
        return services.case_request_extension(
            case=case, actor=dept, until=case.resolve_by + timedelta(days=3), reason="需协调"
        )
    assert state == "reported_back"
    return services.case_report_back(case=case, actor=dept, note="已处理")


def arguments(args, case, p, new_case):
    resolved = {}
    for key, value in args.items():
        if value == "department":
            value = p.department
        elif value == "other_case":
            value = new_case()
        elif value == "later":
            value = case.resolve_by + timedelta(days=2)
        resolved[key] = value
    return resolved


def snapshot(case):
    row = Case.objects.values("status", "version", "assigned_organisation_id").get(pk=case.pk)
    return row, CaseEvent.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action, personas, new_case):
    state, args, expected = MATRIX[action]
    service = services.ACTION_SERVICES[action]
    for name in PERSONAS:
        actor = getattr(personas, name)
        case = bring_to(state, new_case(), personas)
        kwargs = arguments(args, case, personas, new_case)
        outcome = expected[name]
        can_see = Case.objects.visible_to(actor).filter(pk=case.pk).exists()
        assert can_see == (outcome is not NF), (action, name, "visible_to")
        assert case_abilities(case, actor)[action] == (outcome == OK), (action, name, "abilities")
        before = snapshot(case)
        if outcome == OK:
            service(case=case, actor=actor, **kwargs)
            after_row, events, audits = snapshot(case)
            assert events == before[1] + 1, (action, name)
            assert audits == before[2] + 1, (action, name)
            assert after_row["version"] == before[0]["version"] + 1
        else:
            with pytest.raises(outcome):
                service(case=case, actor=actor, **kwargs)
            assert snapshot(case) == before, (action, name, "changed on denial")


def test_superuser_may_do_everything(personas, new_case):
    from meihao.people.models import User

    root = User.objects.create_superuser("13900000000", "x", name="root")
    case = new_case()
    # Everything the state allows: for a submitted case, the dispatcher's and supervisor's.
    allowed = {action for action, ok in case_abilities(case, root).items() if ok}
    assert allowed == {
        "view", "accept", "dispatch", "reject", "merge", "park", "void", "urge", "mark_urgent"
    }  # fmt: skip
    services.case_dispatch(case=case, actor=root, organisation=personas.department)
    services.case_report_back(case=case, actor=root, note="ok")
    services.case_verify_close(case=case, actor=root)
    assert case.status == "closed"


def test_resident_who_filed_a_case_sees_it_but_cannot_act(personas, new_case):
    case = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    assert Case.objects.visible_to(personas.resident_a).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(personas.resident_b).filter(pk=case.pk).exists()
    abilities = case_abilities(case, personas.resident_a)
    assert abilities == {"view": True, **dict.fromkeys(services.ACTION_SERVICES, False)}
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=personas.resident_a)
    with pytest.raises(NotFound):
        services.case_accept(case=case, actor=personas.resident_b)


def test_dispatch_by_street_chief_of_other_street_is_404(personas, new_case):
    from meihao.core.roles import Role
    from meihao.core.testing import make_user

    chief_b = make_user(
        "13800000010", "街长乙", roles=[(Role.STREET_CHIEF, personas.tree.street_b)]
    )
    case = new_case()
    with pytest.raises(NotFound):
        services.case_dispatch(case=case, actor=chief_b, organisation=personas.department)


def test_department_loses_sight_of_a_returned_case(personas, new_case):
    case = bring_to("dispatched", new_case(), personas)
    services.case_return(case=case, actor=personas.department_staff, reason="非本部门职责")
    assert not Case.objects.visible_to(personas.department_staff).filter(pk=case.pk).exists()
    assert case_abilities(case, personas.department_staff)["view"] is False


def test_abilities_cost_no_queries_once_scopes_are_loaded(
    personas, new_case, django_assert_num_queries
):
    case = new_case()
    chief = personas.street_chief_a
    case_abilities(case, chief)  # loads the scopes once
    with django_assert_num_queries(0):
        assert case_abilities(case, chief)["dispatch"] is True
