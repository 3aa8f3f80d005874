"""What case types built on the engine may ask of it: publication before claiming, the
requester confirming, on-site check-in and check-out, claim groups, close effects and
timeline events that move no state. Every type still runs through the one state machine."""

import pytest
from django.db.models import Q

from meihao.cases import extensions, selectors, services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseCategory, CaseEvent, CaseType
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.notify.models import Message

# The case's point in grid A1, and points about 100 m and 1 km east of it.
HERE = (23.41, 111.205)
NEAR = (23.41, 111.206)
FAR = (23.41, 111.215)


@pytest.fixture
def help_type(db):
    """Claimed by party members once published; the requester confirms; worked on site."""
    case_type = CaseType.objects.create(
        code="OPTTEST",
        number_prefix="OT",
        name_zh="选项测试",
        submit_roles=[Role.RESIDENT],
        claim_roles=[Role.PARTY_MEMBER],
        dispatch_mode=CaseType.DispatchMode.CLAIM,
        claim_after_acceptance=True,
        confirmed_by_requester=True,
        onsite_radius_m=200,
    )
    major = CaseCategory.objects.create(case_type=case_type, code="01", name_zh="帮忙")
    CaseCategory.objects.create(case_type=case_type, parent=major, code="0101", name_zh="代买")
    return case_type


@pytest.fixture
def filed(personas, help_type):
    def make(actor=None, **fields) -> Case:
        return services.case_submit(
            actor=actor or personas.resident_a,
            case_type=help_type,
            category=help_type.categories.get(code="0101"),
            description="帮忙买菜",
            lat=HERE[0],
            lon=HERE[1],
            channel=Case.Channel.RESIDENT,
            reporter=(actor or personas.resident_a).person,
            **fields,
        )

    return make


def claimed(personas, case) -> Case:
    services.case_accept(case=case, actor=personas.community_staff_a)
    return services.case_claim(case=case, actor=personas.party_member_a)


def test_a_case_claimable_after_acceptance_waits_for_publication(personas, filed):
    case = filed()
    member = personas.party_member_a
    assert not Case.objects.visible_to(member).filter(pk=case.pk).exists()
    assert case_abilities(case, member)["claim"] is False
    with pytest.raises(NotFound):
        services.case_claim(case=case, actor=member)
    services.case_accept(case=case, actor=personas.community_staff_a)
    member = type(member).objects.get(pk=member.pk)  # a new request: rules loaded afresh
    assert Case.objects.visible_to(member).filter(pk=case.pk).exists()
    assert services.case_claim(case=case, actor=member).assigned_user == member


def test_someone_who_sees_an_unpublished_case_still_cannot_claim_it(personas, filed):
    staff_member = make_user(
        "13700000011",
        "社区党员干部",
        roles=[
            (Role.COMMUNITY_STAFF, personas.tree.community_a),
            (Role.PARTY_MEMBER, personas.tree.community_a),
        ],
    )
    case = filed()
    assert case_abilities(case, staff_member)["claim"] is False
    with pytest.raises(IllegalTransition):
        services.case_claim(case=case, actor=staff_member)
    case.refresh_from_db()
    assert case.status == "submitted"


def test_nobody_claims_a_case_they_filed(personas, filed):
    case = filed(actor=personas.party_member_a)
    services.case_accept(case=case, actor=personas.community_staff_a)
    member = personas.party_member_a
    from meihao.cases.models import claim_pool_q

    assert not Case.objects.filter(claim_pool_q(member), pk=case.pk).exists()
    assert case_abilities(case, member)["claim"] is False
    with pytest.raises(PermissionDenied):
        services.case_claim(case=case, actor=member)


def test_claiming_tells_the_requester(personas, filed):
    claimed(personas, filed())
    message = Message.objects.get(kind="case_claimed")
    assert message.recipient == personas.resident_a
    assert "党员甲" in message.body


def test_check_in_needs_the_phones_position_on_site(personas, filed):
    case = claimed(personas, filed())
    member = personas.party_member_a
    with pytest.raises(ValidationFailed) as missing:
        services.case_start(case=case, actor=member)
    assert missing.value.code == "location_required"
    with pytest.raises(ValidationFailed) as far:
        services.case_start(case=case, actor=member, lat=FAR[0], lon=FAR[1])
    assert far.value.code == "too_far"
    with pytest.raises(ValidationFailed):
        services.case_start(case=case, actor=member, lat="north", lon=FAR[1])
    case.refresh_from_db()
    assert case.status == "dispatched"
    assert not CaseEvent.objects.filter(case=case, action="start").exists()

    services.case_start(case=case, actor=member, lat=NEAR[0], lon=NEAR[1])
    check_in = CaseEvent.objects.get(case=case, action="start")
    assert check_in.data["lat"] == NEAR[0] and 90 <= check_in.data["distance_m"] <= 110


def test_check_out_is_on_site_too_and_the_requester_is_asked_to_confirm(personas, filed):
    case = claimed(personas, filed())
    member = personas.party_member_a
    services.case_start(case=case, actor=member, lat=HERE[0], lon=HERE[1])
    with pytest.raises(ValidationFailed):
        services.case_report_back(case=case, actor=member, note="买好了", lat=FAR[0], lon=FAR[1])
    services.case_report_back(case=case, actor=member, note="买好了", lat=NEAR[0], lon=NEAR[1])
    assert CaseEvent.objects.get(case=case, action="report_back").data["distance_m"] > 0
    asked = Message.objects.filter(kind="case_awaiting_confirmation")
    assert [m.recipient for m in asked] == [personas.resident_a]
    # The grid workers are not asked to verify help the requester confirms.
    assert not Message.objects.filter(kind="case_awaiting_verification").exists()
    assert case not in selectors.verify_cases(personas.grid_worker_a)
    # Nor is it on the dispatchers' verification list (grid management only): a dispatcher
    # confirms on the requester's behalf from the case's own page.
    assert case not in selectors.verify_cases(personas.community_staff_a)
    assert selectors.staff_counts(personas.grid_worker_a)["verify"] == 0


def reported(personas, case) -> Case:
    case = claimed(personas, case)
    member = personas.party_member_a
    services.case_start(case=case, actor=member, lat=HERE[0], lon=HERE[1])
    return services.case_report_back(case=case, actor=member, note="好了", lat=HERE[0], lon=HERE[1])


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("resident_a", "ok"),
        ("community_staff_a", "ok"),
        ("grid_worker_a", PermissionDenied),
        ("resident_b", NotFound),
        ("party_member_a", PermissionDenied),
    ],
)
def test_the_requester_or_a_dispatcher_confirms(personas, filed, who, outcome):
    case = reported(personas, filed())
    actor = getattr(personas, who)
    if outcome == "ok":
        assert services.case_verify_close(case=case, actor=actor).status == "closed"
        return
    with pytest.raises(outcome):
        services.case_verify_close(case=case, actor=actor)
    case.refresh_from_db()
    assert case.status == "reported_back"


def test_the_requester_may_send_it_back(personas, filed):
    case = reported(personas, filed())
    assert case_abilities(case, personas.resident_a)["reopen"] is True
    services.case_reopen(case=case, actor=personas.resident_a, reason="还没买齐")
    assert Case.objects.get(pk=case.pk).status == "reopened"


def test_close_effects_run_in_the_close_transaction(personas, filed, monkeypatch):
    seen = []

    def effects(*, case, actor):
        seen.append((case.status, actor))

    monkeypatch.setitem(extensions._close_effects, "OPTTEST", effects)
    case = services.case_verify_close(case=reported(personas, filed()), actor=personas.resident_a)
    assert seen == [("closed", personas.resident_a)]
    assert case.status == "closed"


def test_failing_close_effects_leave_the_case_reported_back(personas, filed, monkeypatch):
    def effects(*, case, actor):
        raise ValidationFailed("账户已满", code="account_cap_reached")

    monkeypatch.setitem(extensions._close_effects, "OPTTEST", effects)
    case = reported(personas, filed())
    version = case.version
    with pytest.raises(ValidationFailed):
        services.case_verify_close(case=case, actor=personas.resident_a)
    assert (case.status, case.version) == ("reported_back", version)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.closed_at) == ("reported_back", None)
    assert not CaseEvent.objects.filter(case=case, action="verify_close").exists()
    assert not AuditEvent.objects.filter(action="case.verify_close").exists()
    assert not Message.objects.filter(kind="case_closed").exists()


def test_a_claim_group_opens_the_pool_to_its_members(personas, filed, monkeypatch):
    outsider = personas.outsider

    def in_group(user):
        return user.pk == outsider.pk

    group = extensions.ClaimGroup(
        pool_q=lambda user: (
            Q(place_path__startswith=personas.tree.community_a.path)
            if in_group(user)
            else Q(pk__in=[])
        ),
        may_claim=lambda case, user: in_group(user),
    )
    monkeypatch.setitem(extensions._claim_groups, "OPTTEST", group)
    case = filed()
    services.case_accept(case=case, actor=personas.community_staff_a)
    assert Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(personas.resident_b).filter(pk=case.pk).exists()
    assert services.case_claim(case=case, actor=outsider).assigned_user == outsider


def test_recording_an_event_moves_no_state(personas, filed):
    case = filed()
    version = case.version
    event = services.case_record_event(
        case=case, actor=None, action="helpers_notified", note="已通知 3 位", data={"count": 3}
    )
    assert (event.from_status, event.to_status, event.data) == (
        "submitted",
        "submitted",
        {"count": 3},
    )
    case.refresh_from_db()
    assert (case.status, case.version) == ("submitted", version)
    assert AuditEvent.objects.filter(action="case.helpers_notified").count() == 1
    for bad in ("claim", "verify_close", "Not An Action"):
        with pytest.raises(ValueError):
            services.case_record_event(case=case, actor=None, action=bad)


def test_types_without_the_options_work_as_before(personas, new_case):
    """A grid report: no position needed to start, grid workers verify."""
    from meihao.people.models import Organisation

    case = new_case()
    services.case_dispatch(
        case=case,
        actor=personas.street_chief_a,
        organisation=Organisation.objects.get(short_name="城管"),
    )
    services.case_start(case=case, actor=personas.department_staff)
    assert CaseEvent.objects.get(case=case, action="start").data == {}
    services.case_report_back(case=case, actor=personas.department_staff, note="已清理")
    assert Message.objects.filter(kind="case_awaiting_verification").exists()
    assert services.case_verify_close(case=case, actor=personas.grid_worker_a).status == "closed"


def test_a_type_filed_through_its_app_refuses_every_other_caller(personas, filed, monkeypatch):
    monkeypatch.setattr(extensions, "_app_filed", {"OPTTEST"})
    with pytest.raises(PermissionDenied):
        filed()
    assert not Case.objects.filter(case_type__code="OPTTEST").exists()
    # The app's service authorises the actor itself (here: someone without a submit role).
    case = filed(actor=personas.outsider, filed_by_app=True)
    assert case.submitted_by == personas.outsider
