"""Micro-wishes end to end on the case engine: order, review (publish, dispatch, reject), claim,
joint claims, fulfilment with a photo, the resident's confirmation and the points per claimant,
and the escalation of unclaimed wishes, exactly once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meihao.cases import services as case_services
from meihao.cases.models import Case, CaseEvent, CaseType
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from meihao.ledger.models import Account, Transfer, Unit
from meihao.notify.models import Message
from meihao.wishes import selectors, services
from meihao.wishes.models import Wish, WishClaim


def points_of(user) -> int:
    account = Account.objects.filter(person__user=user, unit=Unit.POINTS).first()
    return account.balance if account else 0


def fulfilled(case, lead, photo):
    return services.wish_fulfil(case=case, actor=lead, note="已送到老人家中", photos=[photo()])


# --- Ordering and review -----------------------------------------------------------------------


def test_a_resident_orders_a_wish_for_their_community(
    personas, ordered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = ordered()
    assert (case.case_type.code, case.status, case.reporter) == (
        "WISH",
        "submitted",
        personas.resident_a.person,
    )
    wish = Wish.objects.get(case=case)
    assert wish.community == personas.tree.community_a and wish.published_at is None
    # The party committee (community staff, street chief) hears of it: the engine's new-case.
    told = set(Message.objects.filter(kind="case_new_in_area").values_list("recipient", flat=True))
    assert personas.community_staff_a.pk in told


def test_bad_orders_change_nothing(personas, ordered, categories):
    with pytest.raises(ValidationFailed):
        ordered(actor=personas.district_admin)  # no home community
    with pytest.raises(ValidationFailed):
        services.wish_order(actor=personas.resident_a, category=None, description="想要书")
    with pytest.raises(ValidationFailed):
        services.wish_order(
            actor=personas.resident_a, category=categories["生活物资"], description=" "
        )
    with pytest.raises(PermissionDenied):
        case_services.case_submit(
            actor=personas.resident_a,
            case_type=CaseType.objects.get(code="WISH"),
            category=categories["生活物资"],
            description="想要书",
            place=personas.tree.grid_a1,
            channel=Case.Channel.RESIDENT,
        )
    assert not Case.objects.filter(case_type__code="WISH").exists()
    assert not Wish.objects.exists()


def test_an_unpublished_wish_is_neither_seen_nor_claimed_by_party_members(personas, ordered):
    case = ordered()
    member = personas.party_member_a
    assert not selectors.wishes_visible_to(member).filter(pk=case.pk).exists()
    assert case not in selectors.wall(member)
    with pytest.raises(NotFound):
        services.wish_claim(case=case, actor=member)
    assert not WishClaim.objects.exists()


def test_publishing_opens_the_pool_and_tells_the_party_members(personas, ordered):
    case = services.wish_publish(case=ordered(), actor=personas.community_staff_a)
    assert case.status == "accepted"
    assert Wish.objects.get(case=case).published_at is not None
    told = Message.objects.filter(kind="wish_published").values_list("recipient", flat=True)
    assert list(told) == [personas.party_member_a.pk]
    assert case in selectors.wall(personas.party_member_a)


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("party_member_a", NotFound),
        ("resident_a", PermissionDenied),
        ("grid_worker_a", PermissionDenied),
        ("grid_worker_b", NotFound),
    ],
)
def test_only_the_party_committee_publishes(personas, ordered, who, error):
    case = ordered()
    with pytest.raises(error):
        services.wish_publish(case=case, actor=getattr(personas, who))
    assert Case.objects.get(pk=case.pk).status == "submitted"
    assert Wish.objects.get(case=case).published_at is None


def test_a_rejected_wish_needs_a_reason(personas, ordered):
    case = ordered()
    with pytest.raises(ValidationFailed):
        case_services.case_reject(case=case, actor=personas.community_staff_a, reason="")
    case_services.case_reject(case=case, actor=personas.community_staff_a, reason="不属于微心愿")
    assert Case.objects.get(pk=case.pk).status == "rejected"


def test_dispatching_to_a_named_party_member(personas, ordered):
    case = services.wish_dispatch(
        case=ordered(), actor=personas.community_staff_a, member=personas.party_member_a
    )
    assert (case.status, case.assigned_user) == ("dispatched", personas.party_member_a)
    lead = WishClaim.objects.get()
    assert (lead.person, lead.is_lead) == (personas.party_member_a.person, True)


def test_dispatching_to_a_unit_through_its_registered_member(
    personas, ordered, unit, party_member_b
):
    case = services.wish_dispatch(
        case=ordered(), actor=personas.community_staff_a, member=party_member_b, unit=unit
    )
    assert case.assigned_user == party_member_b
    lead = WishClaim.objects.get()
    assert (lead.organisation, lead.person, lead.is_lead) == (unit, None, True)


def test_dispatching_to_someone_who_cannot_serve_the_wish_changes_nothing(
    personas, ordered, party_member_of_b, unit
):
    case = ordered()
    for member, chosen in (
        (personas.resident_b, None),
        (party_member_of_b, None),
        (personas.party_member_a, unit),  # not registered with that unit
    ):
        with pytest.raises(ValidationFailed):
            services.wish_dispatch(
                case=case, actor=personas.community_staff_a, member=member, unit=chosen
            )
    case.refresh_from_db()
    assert (case.status, case.assigned_user) == ("submitted", None)
    assert not WishClaim.objects.exists()


# --- Claiming and joining ----------------------------------------------------------------------


def test_a_party_member_claims_and_leads(personas, published):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    assert (case.status, case.assigned_user) == ("dispatched", personas.party_member_a)
    assert WishClaim.objects.get().is_lead
    assert Message.objects.filter(kind="case_claimed", recipient=personas.resident_a).exists()


def test_the_engines_notices_about_a_wish_link_to_the_wish_page(personas, published):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    told = Message.objects.get(kind="case_claimed", recipient=personas.resident_a)
    assert told.link == reverse("wishes:detail", args=[case.number]) == f"/wishes/{case.number}/"


def test_claiming_for_an_unregistered_unit_claims_nothing(personas, published, unit):
    case = published()
    with pytest.raises(ValidationFailed):
        services.wish_claim(case=case, actor=personas.party_member_a, unit=unit)
    assert Case.objects.get(pk=case.pk).status == "accepted"
    assert not WishClaim.objects.exists()


def test_a_member_claims_for_their_registered_unit(personas, published, unit, party_member_b):
    services.wish_claim(case=published(), actor=party_member_b, unit=unit)
    claim = WishClaim.objects.get()
    assert (claim.organisation, claim.person, claim.claimed_by) == (unit, None, party_member_b)


def test_others_join_a_claimed_wish(personas, published, party_member_b, unit):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    services.wish_join(case=case, actor=party_member_b)
    services.wish_join(case=case, actor=party_member_b, unit=unit)
    claims = list(WishClaim.objects.order_by("id"))
    assert [(c.person_id, c.organisation_id, c.is_lead) for c in claims] == [
        (personas.party_member_a.person.pk, None, True),
        (party_member_b.person.pk, None, False),
        (None, unit.pk, False),
    ]
    assert CaseEvent.objects.filter(case=case, action="join").count() == 2
    # A joined claimant sees the wish among their claims.
    assert case in selectors.my_claims(party_member_b)


def test_joining_twice_or_out_of_turn_is_refused(
    personas, published, party_member_b, party_member_of_b
):
    case = published()
    with pytest.raises(ValidationFailed):
        services.wish_join(case=case, actor=party_member_b)  # not claimed yet: claim it
    case = services.wish_claim(case=case, actor=personas.party_member_a)
    services.wish_join(case=case, actor=party_member_b)
    with pytest.raises(ValidationFailed):
        services.wish_join(case=case, actor=party_member_b)
    with pytest.raises(ValidationFailed):
        services.wish_join(case=case, actor=personas.party_member_a)  # the lead already
    for outsider in (party_member_of_b, personas.resident_b, personas.resident_a):
        with pytest.raises(NotFound):
            services.wish_join(case=case, actor=outsider)
    assert WishClaim.objects.count() == 2


def test_the_pool_closes_once_claimed(personas, published, party_member_b):
    case = published()
    services.wish_claim(case=Case.objects.get(pk=case.pk), actor=personas.party_member_a)
    with pytest.raises((NotFound, IllegalTransition)):
        services.wish_claim(case=Case.objects.get(pk=case.pk), actor=party_member_b)
    assert WishClaim.objects.count() == 1


# --- Fulfilment, confirmation, points ----------------------------------------------------------


def test_the_lead_fulfils_with_a_photo(personas, published, party_member_b, photo):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    with pytest.raises(ValidationFailed):
        services.wish_fulfil(case=case, actor=personas.party_member_a, note="已送到", photos=[])
    services.wish_join(case=case, actor=party_member_b)
    with pytest.raises(NotFound):  # only the lead handles the case in the engine
        fulfilled(case, party_member_b, photo)
    fulfilled(case, personas.party_member_a, photo)
    case = Case.objects.get(pk=case.pk)
    assert case.status == "reported_back"
    assert case.photos.filter(stage="report_back").count() == 1
    asked = Message.objects.filter(kind="case_awaiting_confirmation")
    assert [m.recipient for m in asked] == [personas.resident_a]


def test_the_resident_confirms_and_every_claimant_person_earns_points(
    personas, published, party_member_b, unit, photo
):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    services.wish_join(case=case, actor=party_member_b)
    services.wish_join(case=case, actor=party_member_b, unit=unit)
    fulfilled(case, personas.party_member_a, photo)
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(PermissionDenied):
        case_services.case_verify_close(case=case, actor=personas.grid_worker_a)
    case_services.case_verify_close(case=case, actor=personas.resident_a)
    assert points_of(personas.party_member_a) == 20
    assert points_of(party_member_b) == 20  # once, though they joined twice (in person, unit)
    keys = set(
        Transfer.objects.filter(kind=Transfer.Kind.CASE).values_list("idempotency_key", flat=True)
    )
    assert keys == {
        f"wish-points:{case.pk}:{personas.party_member_a.person.pk}",
        f"wish-points:{case.pk}:{party_member_b.person.pk}",
    }
    services.wish_settle(case=case, actor=personas.resident_a)  # a retried confirmation
    assert Transfer.objects.filter(kind=Transfer.Kind.CASE).count() == 2


def test_a_unit_led_wish_credits_its_person_claimants_only(
    personas, ordered, unit, party_member_b, photo
):
    case = services.wish_dispatch(
        case=ordered(), actor=personas.community_staff_a, member=party_member_b, unit=unit
    )
    services.wish_join(case=case, actor=personas.party_member_a)
    fulfilled(case, party_member_b, photo)
    case_services.case_verify_close(case=Case.objects.get(pk=case.pk), actor=personas.resident_a)
    assert points_of(personas.party_member_a) == 20
    assert points_of(party_member_b) == 0  # acted for the unit, which earns no points


def test_the_resident_may_send_it_back(personas, published, photo):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    fulfilled(case, personas.party_member_a, photo)
    case_services.case_reopen(
        case=Case.objects.get(pk=case.pk), actor=personas.resident_a, reason="收音机没有送到"
    )
    assert Case.objects.get(pk=case.pk).status == "reopened"
    assert points_of(personas.party_member_a) == 0


# --- Unclaimed wishes --------------------------------------------------------------------------


def test_an_unclaimed_wish_is_escalated_once(personas, published, time_machine, settings):
    settings.WISH_UNCLAIMED_DAYS = 7
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    case = published()
    time_machine.move_to(start + timedelta(days=6, hours=23), tick=False)
    assert services.wishes_escalate_unclaimed() == []
    time_machine.move_to(start + timedelta(days=7, minutes=1), tick=False)
    assert services.wishes_escalate_unclaimed() == [case.pk]
    assert services.wishes_escalate_unclaimed() == []
    time_machine.move_to(start + timedelta(days=9), tick=False)
    assert services.wishes_escalate_unclaimed() == []
    assert CaseEvent.objects.filter(case=case, action="unclaimed_escalated").count() == 1
    told = set(Message.objects.filter(kind="wish_unclaimed").values_list("recipient", flat=True))
    assert told == {personas.community_staff_a.pk, personas.street_chief_a.pk}
    assert Wish.objects.get(case=case).escalated_at is not None


def test_claimed_or_unpublished_wishes_are_not_escalated(
    personas, ordered, published, time_machine
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    ordered()  # never published
    claimed = services.wish_claim(case=published(), actor=personas.party_member_a)
    time_machine.move_to(start + timedelta(days=30), tick=False)
    assert services.wishes_escalate_unclaimed() == []
    assert not CaseEvent.objects.filter(case=claimed, action="unclaimed_escalated").exists()


def test_the_periodic_task_runs_the_sweep(personas, published, time_machine):
    from meihao.wishes.tasks import wishes_escalate_unclaimed_task

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    published()
    time_machine.move_to(start + timedelta(days=8), tick=False)
    assert wishes_escalate_unclaimed_task.call_local() == 1
    assert wishes_escalate_unclaimed_task.call_local() == 0
