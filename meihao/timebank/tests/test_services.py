"""The time bank end to end on the case engine: joining, asking, the nearest members told,
claiming, checking in and out on site, confirming, and the minutes and points that follow."""

from datetime import timedelta

import pytest
from django.core.exceptions import ObjectDoesNotExist

from meihao.cases import services as case_services
from meihao.cases.access import case_abilities
from meihao.cases.models import Case, CaseEvent, CaseType
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.ledger.models import Account, Transfer, Unit
from meihao.ledger.services import (
    account_for_person,
    issuer_account,
    ledger_transfer,
    pool_account,
)
from meihao.notify.models import Message
from meihao.timebank import services
from meihao.timebank.models import FamilyLink, HelpRequest, TimeBankMember
from meihao.timebank.tests.conftest import HOME, local, offset

MORNING = (2026, 3, 2)  # a Monday


def minutes_of(person) -> int:
    account = Account.objects.filter(person=person, unit=Unit.MINUTES).first()
    return account.balance if account else 0


def nearby_messages():
    return Message.objects.filter(kind="timebank_help_nearby")


def points_of(person) -> int:
    account = Account.objects.filter(person=person, unit=Unit.POINTS).first()
    return account.balance if account else 0


def fund_pool(personas, minutes, token="token-0001"):
    return services.pool_fund(
        actor=personas.community_staff_a,
        community=personas.tree.community_a,
        minutes=minutes,
        token=token,
    )


def give_minutes(personas, person, minutes):
    """Minutes a person earned earlier (moved from the district's issuer, as a test shortcut)."""
    ledger_transfer(
        actor=None,
        source=issuer_account(personas.tree.district, Unit.MINUTES),
        target=account_for_person(person, Unit.MINUTES),
        amount=minutes,
        idempotency_key=f"test-gift:{person.pk}:{minutes}",
        kind=Transfer.Kind.TIMEBANK_HELP,
    )


@pytest.fixture(autouse=True)
def morning(time_machine):
    """Every test starts on a Monday at 08:00 (Asia/Shanghai); `helped` moves the clock on."""
    time_machine.move_to(local(*MORNING, 8, 0), tick=False)
    return time_machine


@pytest.fixture
def helped(morning):
    """Claim, check in at home 20 minutes later, check out `minutes` after that."""

    def visit(case, helper, *, minutes=90):
        user = helper.person.user
        case = case_services.case_claim(case=case, actor=user)
        morning.shift(timedelta(minutes=20))
        case_services.case_start(case=case, actor=user, lat=HOME[0], lon=HOME[1])
        morning.shift(timedelta(minutes=minutes))
        case_services.case_report_back(
            case=case, actor=user, note="陪老人聊了天", lat=HOME[0], lon=HOME[1]
        )
        return case

    return visit


# --- Joining -----------------------------------------------------------------------------------


def test_joining_places_the_member_at_home_in_their_community(personas, categories):
    user = personas.volunteer_a
    member = services.member_join(actor=user, skills=[categories["代买代办"]])
    assert member.community == personas.tree.community_a
    assert (member.lat, member.lon) == HOME  # the centre of grid A1, where they live
    assert [c.name_zh for c in member.skills.all()] == ["代买代办"]
    assert member.available


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"lat": 23.41, "lon": 111.31}, "outside_community"),  # community B
        ({"lat": 10.0, "lon": 100.0}, "outside_grids"),
        ({"lat": "north", "lon": 111.2}, "invalid_point"),
    ],
)
def test_joining_with_a_pin_outside_the_community_is_refused(personas, kwargs, code):
    with pytest.raises(ValidationFailed) as error:
        services.member_join(actor=personas.volunteer_a, **kwargs)
    assert error.value.code == code
    assert not TimeBankMember.objects.exists()


def test_joining_twice_or_without_a_home_is_refused(personas):
    services.member_join(actor=personas.volunteer_a)
    with pytest.raises(ValidationFailed):
        services.member_join(actor=personas.volunteer_a)
    with pytest.raises(ValidationFailed):
        services.member_join(actor=personas.district_admin)  # no home recorded
    assert TimeBankMember.objects.count() == 1


def test_skills_come_from_the_time_bank_kinds_of_help(personas):
    from meihao.cases.models import CaseCategory

    grid_class = CaseCategory.objects.get(case_type__code="GRID", code="0501")
    with pytest.raises(ValidationFailed):
        services.member_join(actor=personas.volunteer_a, skills=[grid_class])
    assert not TimeBankMember.objects.exists()


def test_a_member_moves_their_pin_and_pauses(personas, member_at, categories):
    member = member_at()
    lat, lon = offset(300, 0)
    services.member_update(
        actor=member.person.user,
        member=member,
        lat=lat,
        lon=lon,
        skills=[categories["理发修剪"]],
        available=False,
    )
    member.refresh_from_db()
    assert (member.lat, member.lon, member.available) == (lat, lon, False)
    with pytest.raises(NotFound):
        services.member_update(
            actor=personas.resident_b, member=member, lat=lat, lon=lon, skills=[], available=True
        )
    with pytest.raises(ValidationFailed):
        services.member_update(
            actor=member.person.user,
            member=member,
            lat=23.41,
            lon=111.31,
            skills=[],
            available=True,
        )
    member.refresh_from_db()
    assert (member.lat, member.available) == (lat, False)


def test_family_members_are_found_by_their_number_and_exact_name(personas, member_at):
    member = member_at()
    user = member.person.user
    with pytest.raises(ValidationFailed):
        services.family_link_add(
            actor=user, member=member, phone="13800000008", real_name="居民", relation="母亲"
        )
    link = services.family_link_add(
        actor=user, member=member, phone="13800000008", real_name="居民乙", relation="母亲"
    )
    assert link.relative == personas.resident_b.person
    with pytest.raises(ValidationFailed):
        services.family_link_add(
            actor=user, member=member, phone="13800000008", real_name="居民乙", relation="母亲"
        )
    with pytest.raises(NotFound):
        services.family_link_remove(actor=personas.resident_a, link=link)
    services.family_link_remove(actor=user, link=link)
    assert not FamilyLink.objects.exists()


# --- Asking ------------------------------------------------------------------------------------


def test_an_elder_asks_and_the_nearest_members_hear_of_it(personas, member_at, asked, monkeypatch):
    monkeypatch.setattr(services, "NOTIFY_NEAREST", 2)
    near, middle = member_at(100), member_at(200)
    member_at(300)  # third nearest: not told
    member_at(900)  # outside the circle
    case = asked()
    assert case.case_type.code == "TIMEBANK" and case.status == "submitted"
    assert case.reporter == personas.resident_a.person
    request = HelpRequest.objects.get(case=case)
    assert (request.kind, request.community, request.helpers_notified) == (
        "help",
        personas.tree.community_a,
        2,
    )
    told = set(
        Message.objects.filter(kind="timebank_help_nearby").values_list("recipient", flat=True)
    )
    assert told == {near.person.user_id, middle.person.user_id}
    assert CaseEvent.objects.get(case=case, action="helpers_notified").data == {"count": 2}


def test_the_elder_who_is_a_member_is_not_told_of_their_own_request(personas, member_at, asked):
    elder = member_at(0, user=personas.resident_a)
    other = member_at(100)
    asked()
    told = list(
        Message.objects.filter(kind="timebank_help_nearby").values_list("recipient", flat=True)
    )
    assert told == [other.person.user_id]
    assert elder.person.user_id not in told


def test_staff_ask_on_an_elders_behalf(personas, asked):
    case = asked(actor=personas.community_staff_a)
    assert case.submitted_by == personas.community_staff_a
    assert case.reporter == personas.resident_a.person
    # The elder follows it, and confirms it later.
    assert case.followers.filter(user=personas.resident_a).exists()


@pytest.mark.parametrize("who", ["community_staff_a", "resident_b", "grid_worker_b", "outsider"])
def test_nobody_else_asks_for_someone(personas, asked, who):
    requester = personas.resident_b.person if who == "community_staff_a" else None
    if who == "community_staff_a":
        # Staff of community A for a resident of community B.
        with pytest.raises(NotFound):
            asked(actor=personas.community_staff_a, requester=requester)
    else:
        with pytest.raises(NotFound):
            asked(actor=getattr(personas, who))
    assert not Case.objects.filter(case_type__code="TIMEBANK").exists()


def test_bad_requests_change_nothing(personas, asked, categories):
    from meihao.cases.models import CaseCategory

    for fields in (
        {"lat": 10.0, "lon": 100.0},
        {"lat": "x", "lon": 111.2},
        {"description": ""},
    ):
        with pytest.raises(ValidationFailed):
            asked(**fields)
    with pytest.raises(ValidationFailed):
        services.help_request_submit(
            actor=personas.resident_a,
            requester=personas.resident_a.person,
            category=CaseCategory.objects.get(case_type__code="GRID", code="0501"),
            description="帮忙",
        )
    assert not Case.objects.filter(case_type__code="TIMEBANK").exists()
    assert not HelpRequest.objects.exists()


def test_the_case_api_cannot_file_a_help_request(personas, categories):
    with pytest.raises(PermissionDenied):
        case_services.case_submit(
            actor=personas.resident_a,
            case_type=CaseType.objects.get(code="TIMEBANK"),
            category=categories["陪伴聊天"],
            description="想找人聊天",
            lat=HOME[0],
            lon=HOME[1],
            channel=Case.Channel.RESIDENT,
        )


def test_sending_the_same_request_twice_files_it_once(personas, asked, member_at):
    member_at(100)
    first = asked(idempotency_key="phone-request-0001")
    again = asked(idempotency_key="phone-request-0001")
    assert first.pk == again.pk
    assert HelpRequest.objects.count() == 1
    assert Message.objects.filter(kind="timebank_help_nearby").count() == 1


# --- Claiming and visiting ---------------------------------------------------------------------


def test_members_of_the_community_claim_others_do_not(personas, member_at, asked):
    member = member_at(100)
    elsewhere = member_at(home=personas.tree.grid_b1)
    case = asked()
    for outsider in (elsewhere.person.user, personas.resident_b, personas.volunteer_a):
        assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
        with pytest.raises(NotFound):
            case_services.case_claim(case=case, actor=outsider)
    assert Case.objects.visible_to(member.person.user).filter(pk=case.pk).exists()
    claimed = case_services.case_claim(case=case, actor=member.person.user)
    assert claimed.assigned_user == member.person.user
    told = Message.objects.get(kind="case_claimed", recipient=personas.resident_a)
    assert told.link == f"/timebank/requests/{case.number}/"  # the time bank's page, not /cases/


def test_an_elder_member_cannot_claim_their_own_request(personas, member_at, asked):
    elder = member_at(0, user=personas.resident_a)
    case = asked(actor=personas.community_staff_a)  # filed for them by staff
    user = elder.person.user
    assert case_abilities(case, user)["claim"] is False
    with pytest.raises(PermissionDenied):
        case_services.case_claim(case=case, actor=user)


def test_check_in_and_out_are_on_site(personas, member_at, asked):
    member = member_at(100)
    user = member.person.user
    case = case_services.case_claim(case=asked(), actor=user)
    far = offset(0, 300)
    with pytest.raises(ValidationFailed):
        case_services.case_start(case=case, actor=user, lat=far[0], lon=far[1])
    with pytest.raises(ValidationFailed):
        case_services.case_start(case=case, actor=user)
    near = offset(0, 150)
    case_services.case_start(case=case, actor=user, lat=near[0], lon=near[1])
    assert CaseEvent.objects.get(case=case, action="start").data["distance_m"] == 150


# --- Confirming and paying ---------------------------------------------------------------------


def test_confirmation_pays_the_helper_from_the_pool_and_credits_points(
    personas, member_at, asked, helped
):
    fund_pool(personas, 600)
    helper = member_at(100)
    case = helped(asked(), helper, minutes=90)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert minutes_of(helper.person) == 90
    assert points_of(helper.person) == 10  # the TIMEBANK earning rule
    assert pool_account(personas.tree.community_a).balance == 510
    request = HelpRequest.objects.get(case=case)
    assert (request.minutes, request.paid_by) == (90, "pool")
    assert request.payment.idempotency_key == f"timebank-help:{case.pk}"
    assert CaseEvent.objects.get(case=case, action="minutes_paid").data == {
        "minutes": 90,
        "paid_by": "pool",
    }


def test_an_elder_with_enough_minutes_pays_their_own(personas, member_at, asked, helped):
    give_minutes(personas, personas.resident_a.person, 120)
    helper = member_at(100)
    case = helped(asked(), helper, minutes=45)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert minutes_of(personas.resident_a.person) == 75
    assert minutes_of(helper.person) == 45
    assert HelpRequest.objects.get(case=case).paid_by == "requester"


def test_an_elder_without_enough_minutes_is_helped_by_the_pool(personas, member_at, asked, helped):
    give_minutes(personas, personas.resident_a.person, 30)
    fund_pool(personas, 100)
    helper = member_at(100)
    case = helped(asked(), helper, minutes=45)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert minutes_of(personas.resident_a.person) == 30  # untouched: no partial debt
    assert pool_account(personas.tree.community_a).balance == 55


@pytest.mark.parametrize(("policy", "paid_by"), [("pool", "pool"), ("requester", "requester")])
def test_the_payer_policy_is_a_setting(
    personas, member_at, asked, settings, policy, paid_by, helped
):
    settings.TIMEBANK_PAYER = policy
    give_minutes(personas, personas.resident_a.person, 200)
    fund_pool(personas, 200)
    case = helped(asked(), member_at(100), minutes=60)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert HelpRequest.objects.get(case=case).paid_by == paid_by
    assert minutes_of(personas.resident_a.person) == (140 if policy == "requester" else 200)


def test_without_minutes_to_pay_nothing_is_written(personas, member_at, asked, helped):
    helper = member_at(100)
    case = helped(asked(), helper)
    with pytest.raises(ValidationFailed) as error:
        case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert "pool" in str(error.value.message) or "资金池" in str(error.value.message)
    assert case.status == "reported_back"
    assert Case.objects.get(pk=case.pk).status == "reported_back"
    assert minutes_of(helper.person) == 0 and points_of(helper.person) == 0
    assert HelpRequest.objects.get(case=case).minutes is None
    # Once the pool is funded, the same confirmation goes through.
    fund_pool(personas, 500)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert minutes_of(helper.person) == 90


def test_a_full_helper_account_leaves_the_request_awaiting_confirmation(
    personas, member_at, asked, settings, helped
):
    settings.TIMEBANK_ACCOUNT_CAP_HOURS = 1  # opened with a 60-minute cap
    fund_pool(personas, 500)
    helper = member_at(100)
    case = helped(asked(), helper, minutes=90)
    with pytest.raises(ValidationFailed) as error:
        case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert error.value.code == "account_cap_reached"
    assert "1" in str(error.value.message)
    assert Case.objects.get(pk=case.pk).status == "reported_back"
    assert pool_account(personas.tree.community_a).balance == 500
    assert not Transfer.objects.filter(kind=Transfer.Kind.TIMEBANK_HELP).exists()
    assert points_of(helper.person) == 0
    assert not CaseEvent.objects.filter(
        case=case, action__in=["verify_close", "minutes_paid"]
    ).exists()


def test_no_time_on_site_is_not_paid_and_the_elder_may_send_it_back(
    personas, member_at, asked, morning
):
    fund_pool(personas, 500)
    helper = member_at(100)
    user = helper.person.user
    case = case_services.case_claim(case=asked(), actor=user)
    # A report-back without checking in (from a generic page): the checkout is on site, but no
    # visit started, so there is no time to pay.
    case_services.case_report_back(case=case, actor=user, note="好了", lat=HOME[0], lon=HOME[1])
    with pytest.raises(ValidationFailed) as error:
        case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert error.value.code == "no_time_on_site"
    case_services.case_reopen(case=case, actor=personas.resident_a, reason="还没来")
    morning.move_to(local(*MORNING, 14, 0), tick=False)
    case_services.case_start(case=case, actor=user, lat=HOME[0], lon=HOME[1])
    morning.move_to(local(*MORNING, 14, 40), tick=False)
    case_services.case_report_back(case=case, actor=user, note="好了", lat=HOME[0], lon=HOME[1])
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert minutes_of(helper.person) == 40


def test_confirming_twice_pays_once(personas, member_at, asked, helped):
    fund_pool(personas, 500)
    helper = member_at(100)
    case = helped(asked(), helper, minutes=30)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    with pytest.raises(IllegalTransition):
        case_services.case_verify_close(case=case, actor=personas.resident_a)
    # The close effect itself is idempotent too (a retried confirmation).
    services.help_request_settle(case=case, actor=personas.resident_a)
    assert minutes_of(helper.person) == 30 and points_of(helper.person) == 10
    assert Transfer.objects.filter(kind=Transfer.Kind.TIMEBANK_HELP).count() == 1


def test_staff_confirm_for_an_elder_without_a_phone(personas, member_at, asked, helped):
    from meihao.people.models import Person

    grid = personas.tree.grid_a1
    elder = Person.objects.create(real_name="独居老人", home_place=grid, home_place_path=grid.path)
    fund_pool(personas, 500)
    helper = member_at(100)
    case = asked(actor=personas.community_staff_a, requester=elder)
    case = helped(case, helper, minutes=30)
    case_services.case_verify_close(case=case, actor=personas.community_staff_a)
    assert minutes_of(helper.person) == 30


# --- Withdrawals -------------------------------------------------------------------------------


def test_a_member_withdraws_help_for_a_family_member(personas, member_at, asked, helped):
    withdrawer = member_at(500)
    give_minutes(personas, withdrawer.person, 100)
    user = withdrawer.person.user
    services.family_link_add(
        actor=user, member=withdrawer, phone="13800000007", real_name="居民甲", relation="父亲"
    )
    helper = member_at(100)
    case = asked(actor=user, requester=personas.resident_a.person, withdrawal=True)
    request = HelpRequest.objects.get(case=case)
    assert (request.kind, request.withdrawing_member) == ("withdrawal", withdrawer)
    case = helped(case, helper, minutes=60)
    # The family member (who has a log-in) confirms; the member's minutes pay.
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert minutes_of(withdrawer.person) == 40
    assert minutes_of(helper.person) == 60
    assert HelpRequest.objects.get(case=case).paid_by == "member"


def test_withdrawals_need_minutes_and_a_registered_relative(personas, member_at, asked):
    withdrawer = member_at(500)
    user = withdrawer.person.user
    with pytest.raises(ValidationFailed) as error:
        asked(actor=user, requester=withdrawer.person, withdrawal=True)
    assert error.value.code == "no_minutes"
    give_minutes(personas, withdrawer.person, 100)
    with pytest.raises(ValidationFailed):
        asked(actor=user, requester=personas.resident_a.person, withdrawal=True)  # not linked
    with pytest.raises(PermissionDenied):
        asked(actor=personas.resident_b, requester=personas.resident_b.person, withdrawal=True)
    assert not HelpRequest.objects.exists()
    case = asked(actor=user, requester=withdrawer.person, withdrawal=True)  # for themself
    assert HelpRequest.objects.get(case=case).kind == "withdrawal"


def test_a_withdrawal_beyond_the_members_minutes_is_refused_at_confirmation(
    personas, member_at, asked, helped
):
    withdrawer = member_at(500)
    give_minutes(personas, withdrawer.person, 20)
    helper = member_at(100)
    case = asked(actor=withdrawer.person.user, requester=withdrawer.person, withdrawal=True)
    case = helped(case, helper, minutes=60)
    with pytest.raises(ValidationFailed):
        case_services.case_verify_close(case=case, actor=withdrawer.person.user)
    assert minutes_of(withdrawer.person) == 20
    assert Case.objects.get(pk=case.pk).status == "reported_back"


# --- The pool ----------------------------------------------------------------------------------


def test_staff_fund_their_communitys_pool_once_per_form(personas):
    fund_pool(personas, 300, token="form-token-1")
    fund_pool(personas, 300, token="form-token-1")
    assert pool_account(personas.tree.community_a).balance == 300
    assert issuer_account(personas.tree.district, Unit.MINUTES).balance == -300


@pytest.mark.parametrize(
    ("who", "minutes", "token", "error"),
    [
        ("community_staff_a", 0, "form-token-2", ValidationFailed),
        ("community_staff_a", "many", "form-token-2", ValidationFailed),
        ("community_staff_a", 10**12, "form-token-2", ValidationFailed),
        ("community_staff_a", 10, "bad token!", ValidationFailed),
        ("grid_worker_a", 10, "form-token-2", NotFound),
        ("resident_a", 10, "form-token-2", NotFound),
    ],
)
def test_bad_funding_changes_nothing(personas, who, minutes, token, error):
    with pytest.raises(error):
        services.pool_fund(
            actor=getattr(personas, who),
            community=personas.tree.community_a,
            minutes=minutes,
            token=token,
        )
    with pytest.raises(ObjectDoesNotExist):
        Transfer.objects.get(kind=Transfer.Kind.POOL_FUNDING)


def test_staff_of_another_community_cannot_fund_it(personas):
    staff_b = make_user(
        "13600008888", "社区干部乙", roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)]
    )
    with pytest.raises(NotFound):
        services.pool_fund(
            actor=staff_b, community=personas.tree.community_a, minutes=10, token="form-token-3"
        )
