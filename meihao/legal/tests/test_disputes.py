"""矛盾纠纷调解: community staff or a grid worker take a dispute in with its parties, a legal
advisor of the community mediates it in sessions that count toward their hours and concludes it
with an agreement (printed as 人民调解协议书) or a referral; the follow-up visit closes it. A major
dispute is escalated to the street. The record is read by its holders and, in their words, by
the parties who are residents; every other reading is audited, everyone else gets a 404."""

import datetime

import pypdfium2
import pytest
from django.utils import timezone

from meihao.cases import services as case_services
from meihao.cases.models import Case, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.core.roles import Role
from meihao.core.testing import make_user
from meihao.legal import disputes, selectors
from meihao.legal.models import AdvisorService, Dispute, DisputeParty, MediationSession
from meihao.notify.models import Message

FACTS = "楼上漏水浸坏楼下天花板，双方就维修费用分担争执不下。"
PARTIES = [
    {"side": "applicant", "name": "居民甲", "phone": "13800000007", "address": "骑楼街1号302"},
    {"side": "respondent", "name": "黄大叔", "phone": "13911112222", "address": "骑楼街1号402"},
]


def open_dispute(personas, actor=None, **kwargs):
    values = {
        "place_code": personas.tree.community_a.code,
        "kind": "0102",
        "facts": FACTS,
        "parties": PARTIES,
        **kwargs,
    }
    return disputes.dispute_open(actor=actor or personas.community_staff_a, **values)


def fresh(case):
    return Case.objects.select_related("dispute").get(pk=case.pk)


def take_and_sit(advisor, case, minutes=90):
    case = case_services.case_claim(case=fresh(case), actor=advisor)
    disputes.mediation_session_record(
        actor=advisor,
        case=fresh(case),
        held_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        minutes=minutes,
        note="双方同意按责任比例分担。",
    )
    return fresh(case)


def agree(advisor, case):
    return disputes.dispute_conclude(
        actor=advisor,
        case=fresh(case),
        outcome="agreement",
        terms="黄大叔承担维修费用的七成，计2100元。",
        performance="2026年12月31日前一次付清。",
    )


def test_staff_take_a_dispute_in_and_the_communitys_advisor_is_told(personas, advisor_a, advisor_b):
    dispute = open_dispute(personas)
    case = dispute.case
    assert case.case_type.code == "DISPUTE" and case.number.startswith("TJ")
    assert case.status == Status.SUBMITTED and case.channel == Case.Channel.COUNTER
    assert dispute.community == personas.tree.community_a
    parties = list(dispute.parties.order_by("pk"))
    assert [(p.side, p.name) for p in parties] == [
        ("applicant", "居民甲"),
        ("respondent", "黄大叔"),
    ]
    # The applicant is a resident of the community by name and number: linked; the other not.
    assert parties[0].person == personas.resident_a.person and parties[1].person is None
    told = Message.objects.filter(kind="legal_dispute_opened")
    assert [m.recipient for m in told] == [advisor_a]
    assert FACTS not in told.get().body and "黄大叔" not in told.get().body


def test_a_grid_worker_takes_one_in_on_the_round(personas, advisor_a):
    dispute = open_dispute(
        personas, actor=personas.grid_worker_a, place_code=personas.tree.grid_a1.code
    )
    assert dispute.case.channel == Case.Channel.GRID_PATROL
    assert dispute.place_path == personas.tree.community_a.path


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"kind": ""}, "kind"),
        ({"kind": "0101x"}, "kind"),
        ({"facts": "   "}, "facts"),
        ({"facts": "x" * 2001}, "facts"),
        ({"parties": PARTIES[:1]}, "parties"),
        ({"parties": [{**PARTIES[0], "side": "judge"}, PARTIES[1]]}, "party_side_0"),
        ({"parties": [PARTIES[0], {**PARTIES[1], "name": ""}]}, "party_name_1"),
        ({"parties": [PARTIES[0], {**PARTIES[1], "phone": "12345"}]}, "party_phone_1"),
        ({"parties": [PARTIES[0]] + [PARTIES[1]] * 8}, "parties"),
        ({"major": True, "major_reason": ""}, "major_reason"),
    ],
)
def test_bad_intake_is_refused_in_words_and_writes_nothing(personas, advisor_a, kwargs, field):
    with pytest.raises(ValidationFailed) as refused:
        open_dispute(personas, **kwargs)
    if field:
        assert refused.value.field == field
    assert not Case.objects.exists() and not Dispute.objects.exists()
    assert not DisputeParty.objects.exists() and not Message.objects.exists()


def test_only_the_places_of_ones_own_take_disputes_in(personas, advisor_a, advisor_b):
    for actor, place in (
        (personas.community_staff_a, personas.tree.community_b),  # not their community
        (personas.grid_worker_a, personas.tree.grid_a2),  # not their grid
        (personas.resident_a, personas.tree.grid_a1),  # no taker at all
        (personas.street_chief_a, personas.tree.community_a),  # the street does not take in
    ):
        with pytest.raises(ValidationFailed) as refused:
            open_dispute(personas, actor=actor, place_code=place.code)
        assert refused.value.field == "place"
    assert not Case.objects.exists()


def test_no_advisor_no_intake(personas):
    with pytest.raises(ValidationFailed) as refused:
        open_dispute(personas)
    assert refused.value.code == "no_advisor" and not Case.objects.exists()


def test_the_mediator_sits_concludes_and_the_staff_follow_it_up(personas, advisor_a):
    case = open_dispute(personas).case
    case = take_and_sit(advisor_a, case, minutes=90)
    assert case.status == Status.IN_PROGRESS and case.assigned_user == advisor_a
    served = AdvisorService.objects.get()
    assert (served.advisor, served.kind, served.minutes, served.case_id) == (
        advisor_a,
        "mediation",
        90,
        case.pk,
    )
    # The timeline says a session was held, never what was said.
    event = case.events.get(action="mediation_session")
    assert event.note == "" and event.data["minutes"] == 90

    case = agree(advisor_a, case)
    dispute = Dispute.objects.get(case=case)
    assert case.status == Status.REPORTED_BACK and dispute.outcome == "agreement"
    assert dispute.concluded_at is not None and "2100元" in dispute.terms

    closed = case_services.case_verify_close(
        case=fresh(case), actor=personas.community_staff_a, note="已回访，款项已付清。"
    )
    assert closed.status == Status.CLOSED


def test_the_agreement_prints_with_the_parties_terms_and_committee(personas, advisor_a):
    case = agree(advisor_a, take_and_sit(advisor_a, open_dispute(personas).case))
    from meihao.legal.pdf import agreement_pdf

    body = agreement_pdf(Dispute.objects.get(case=case))
    assert body.startswith(b"%PDF") and b"/FontFile2" in body
    text = "".join(
        page.get_textpage().get_text_range().replace("\r\n", "")
        for page in pypdfium2.PdfDocument(body)
    )
    for printed in (
        "人民调解协议书",
        case.number,
        "居民甲",
        "黄大叔",
        "2100元",
        "骑楼社区人民调解委员会",
    ):
        assert printed in text


def test_a_referral_needs_where_and_why(personas, advisor_a):
    case = take_and_sit(advisor_a, open_dispute(personas).case)
    with pytest.raises(ValidationFailed) as refused:
        disputes.dispute_conclude(
            actor=advisor_a, case=fresh(case), outcome="referral", terms="分歧较大"
        )
    assert refused.value.field == "referred_to"
    case = disputes.dispute_conclude(
        actor=advisor_a,
        case=fresh(case),
        outcome="referral",
        terms="双方对赔偿数额分歧较大。",
        referred_to="万秀区人民法院",
    )
    dispute = Dispute.objects.get(case=case)
    assert dispute.outcome == "referral" and dispute.referred_to == "万秀区人民法院"
    assert case.events.get(action="report_back").note == "转交万秀区人民法院"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"held_at": ""}, "held_at"),
        ({"held_at": "yesterday"}, "held_at"),
        ({"held_at": "+1d"}, "held_at"),
        ({"held_at": "-30d"}, "held_at"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "481"}, "minutes"),
        ({"minutes": "一小时"}, "minutes"),
        ({"note": ""}, "note"),
    ],
)
def test_a_bad_session_is_refused_and_counts_nothing(personas, advisor_a, kwargs, field):
    case = case_services.case_claim(case=open_dispute(personas).case, actor=advisor_a)
    now = timezone.localtime()
    values = {"held_at": now.strftime("%Y-%m-%dT%H:%M"), "minutes": "60", "note": "调解"}
    values.update(kwargs)
    shifts = {"+1d": 1, "-30d": -30}
    if values["held_at"] in shifts:
        moved = now + datetime.timedelta(days=shifts[values["held_at"]])
        values["held_at"] = moved.strftime("%Y-%m-%dT%H:%M")
    with pytest.raises(ValidationFailed) as refused:
        disputes.mediation_session_record(actor=advisor_a, case=fresh(case), **values)
    assert refused.value.field == field
    assert not MediationSession.objects.exists() and not AdvisorService.objects.exists()
    assert fresh(case).status == Status.DISPATCHED


def test_concluding_needs_a_session_and_the_mediator(personas, advisor_a):
    case = case_services.case_claim(case=open_dispute(personas).case, actor=advisor_a)
    case_services.case_start(case=fresh(case), actor=advisor_a)
    with pytest.raises(ValidationFailed) as refused:
        agree(advisor_a, case)
    assert refused.value.code == "no_session"
    case = take_and_sit_again(advisor_a, case)
    with pytest.raises(PermissionDenied):
        agree(personas.community_staff_a, case)
    assert fresh(case).status == Status.IN_PROGRESS


def take_and_sit_again(advisor, case):
    disputes.mediation_session_record(
        actor=advisor,
        case=fresh(case),
        held_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        minutes=30,
        note="再次调解。",
    )
    return fresh(case)


def test_a_major_dispute_is_escalated_and_the_street_holds_it(personas, advisor_a):
    case = open_dispute(personas).case
    chief = personas.street_chief_a
    with pytest.raises(NotFound):
        selectors.dispute_get(chief, case.number)
    with pytest.raises(PermissionDenied):  # the resident party may not flag it
        disputes.dispute_escalate(actor=personas.resident_a, case=fresh(case), reason="闹大了")
    disputes.dispute_escalate(
        actor=personas.community_staff_a, case=fresh(case), reason="涉及多户，情绪激烈"
    )
    dispute = Dispute.objects.get(case=case)
    assert dispute.major and dispute.escalated_at and dispute.major_reason == "涉及多户，情绪激烈"
    told = Message.objects.get(kind="legal_dispute_major")
    assert told.recipient == chief and "涉及多户" in told.body
    assert selectors.dispute_get(chief, case.number) == case
    assert list(selectors.disputes_escalated(chief)) == [case]
    # Once: a second flag is refused.
    with pytest.raises(PermissionDenied):
        disputes.dispute_escalate(actor=personas.community_staff_a, case=fresh(case), reason="再报")


def test_a_dispute_flagged_major_at_intake_goes_to_the_street_at_once(personas, advisor_a):
    dispute = open_dispute(personas, major=True, major_reason="群体性纠纷")
    assert Dispute.objects.get(pk=dispute.pk).major
    assert Message.objects.filter(
        kind="legal_dispute_major", recipient=personas.street_chief_a
    ).exists()


def test_who_reads_a_dispute(personas, advisor_a, advisor_b):
    case = open_dispute(personas).case
    other_staff = make_user(
        "13800000070",
        "社区干部丙",
        home=None,
        roles=[(Role.COMMUNITY_STAFF, personas.tree.community_a)],
    )
    readers = [advisor_a, personas.community_staff_a, personas.resident_a]
    for user in readers:
        assert selectors.dispute_get(user, case.number) == case
    # Another community's advisor, other staff of the same community (they count disputes,
    # they do not read them), the grid worker, the street before it is major, a neighbour.
    for user in (
        advisor_b,
        other_staff,
        personas.grid_worker_a,
        personas.street_chief_a,
        personas.resident_b,
        personas.volunteer_a,
        personas.outsider,
    ):
        with pytest.raises(NotFound):
            selectors.dispute_get(user, case.number)
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists()
    # Once taken, the other advisors of the community no longer read it.
    colleague = make_user(
        "13800000071", "律师丙", home=None, roles=[(Role.LEGAL_ADVISOR, personas.tree.community_a)]
    )
    assert selectors.dispute_get(colleague, case.number) == case
    case_services.case_claim(case=fresh(case), actor=advisor_a)
    with pytest.raises(NotFound):
        selectors.dispute_get(colleague, case.number)


def test_every_reading_but_a_partys_own_is_audited(personas, advisor_a):
    case = open_dispute(personas).case
    AuditEvent.objects.all().delete()
    selectors.dispute_get(advisor_a, case.number)
    selectors.dispute_get(personas.community_staff_a, case.number)
    selectors.dispute_get(personas.resident_a, case.number)
    readers = AuditEvent.objects.filter(action="read:case").values_list("actor", flat=True)
    assert sorted(readers) == sorted([advisor_a.pk, personas.community_staff_a.pk])


def test_a_party_follows_their_own_in_their_words(personas, advisor_a):
    case = take_and_sit(advisor_a, open_dispute(personas).case)
    assert list(selectors.my_disputes(personas.resident_a)) == [case]
    assert not selectors.my_disputes(personas.resident_b).exists()
    # A party confirms nothing and flags nothing: the follow-up is the staff's.
    agree(advisor_a, case)
    with pytest.raises(PermissionDenied):
        case_services.case_verify_close(case=fresh(case), actor=personas.resident_a)
    with pytest.raises(PermissionDenied):
        case_services.case_void(case=fresh(case), actor=personas.resident_a, reason="不要了")
