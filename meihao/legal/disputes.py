"""Writes of dispute mediation (矛盾纠纷调解): community staff or a grid worker take a dispute in
with its parties; a legal advisor of the community takes it, mediates in sessions (each counting
toward their monthly hours) and concludes it with an agreement (人民调解协议书) or a referral;
the follow-up visit (回访) closes it. A major or complex dispute is escalated to the street.

The steps that move the case are the engine's (claim, start, report back, verify and close,
reopen, void); this module adds the dispute's own record around them."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.access import authorise, can_view, holds
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.cases.states import HANDLER, TERMINAL_STATES, WORKING, Status
from meihao.core.errors import NotFound, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text, parse_datetime, parse_minutes
from meihao.core.roles import Role
from meihao.core.scoping import covers, scope_q, users_covering
from meihao.legal.compliance import hours_count
from meihao.legal.models import (
    DISPUTE_CODE,
    FACTS_MAX,
    PARTIES_MAX,
    SESSION_MINUTES_MAX,
    SESSION_NOTE_MAX,
    TERMS_MAX,
    AdvisorService,
    Dispute,
    DisputeParty,
    MediationSession,
)
from meihao.legal.services import community_advisors
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import Person
from meihao.people.validation import mobile_number
from meihao.places.models import Level, Place, community_id_of, community_path

# Who takes a dispute in: the community's staff at the office, a grid worker on their round.
TAKERS = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})

register_kind(
    "legal_dispute_opened",
    label=gettext_lazy("A dispute in my community waits for mediation"),
)
register_kind(
    "legal_dispute_major",
    label=gettext_lazy("A major dispute is escalated to my street"),
)


def intake_places(user):
    """Where the user may take a dispute in: the communities and grids they work as staff or
    grid worker."""
    return Place.objects.filter(
        scope_q(user, path_field="path", roles=TAKERS),
        level__in=[Level.COMMUNITY, Level.GRID],
    ).order_by("path")


def may_take_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and intake_places(user).exists()


def dispute_of(case: Case) -> Dispute:
    dispute = Dispute.objects.filter(case=case).first()
    if dispute is None:
        raise NotFound(_("No such dispute."))
    return dispute


def _parties(rows) -> list[DisputeParty]:
    parties = []
    for index, row in enumerate(rows):
        name = clean_text(row.get("name"), field=f"party_name_{index}", max_length=50)
        phone = mobile_number(row.get("phone"), field=f"party_phone_{index}")
        address = clean_text(row.get("address"), field=f"party_address_{index}", max_length=200)
        if not (name or phone or address):
            continue  # an empty row of the form
        if not name:
            raise ValidationFailed(_("Write the name of every party."), field=f"party_name_{index}")
        side = str(row.get("side") or "")
        if side not in DisputeParty.Side.values:
            raise ValidationFailed(
                _("Say whether each party applies or responds."), field=f"party_side_{index}"
            )
        parties.append(DisputeParty(side=side, name=name, phone=phone, address=address))
    sides = {party.side for party in parties}
    if sides != set(DisputeParty.Side.values):
        raise ValidationFailed(
            _("A dispute needs at least one applicant and one respondent."), field="parties"
        )
    if len(parties) > PARTIES_MAX:
        raise ValidationFailed(
            _("At most %(most)s parties; mediate a larger dispute as several.")
            % {"most": PARTIES_MAX},
            field="parties",
        )
    return parties


def _link_residents(parties: list[DisputeParty], community_path_: str) -> None:
    """A party whose name and mobile number are a resident's of the community is that resident:
    they read the dispute as their own."""
    phones = {party.phone for party in parties if party.phone}
    if not phones:
        return
    residents = {
        (person.real_name, person.phone): person.pk
        for person in Person.objects.filter(
            phone__in=phones, home_place_path__startswith=community_path_
        ).only("pk", "real_name", "phone")
    }
    for party in parties:
        party.person_id = residents.get((party.name, party.phone))


def dispute_open(
    *,
    actor,
    place_code: str,
    kind: str,
    facts,
    parties: list[dict],
    major: bool = False,
    major_reason="",
    idempotency_key: str | None = None,
) -> Dispute:
    """Take a dispute in (受理): a DISPUTE case at the place, in the pool of the community's legal
    advisors, who are told by number and kind. A dispute flagged major at once is escalated."""
    place = intake_places(actor).filter(code=str(place_code or "")[:20]).first()
    if place is None:
        raise ValidationFailed(_("Choose the community or grid of the dispute."), field="place")
    case_type = active_type(DISPUTE_CODE)
    if case_type is None:
        raise ValidationFailed(_("Disputes are not taken in at the moment."))
    category = minor_class(case_type, code=str(kind or ""))
    if category is None or not category.is_active:
        raise ValidationFailed(_("Choose what kind of dispute it is."), field="kind")
    facts = clean_text(
        facts, field="facts", required=_("Write what the dispute is about."), max_length=FACTS_MAX
    )
    party_rows = _parties(parties)
    path = community_path(place.path)
    advisors = community_advisors(path)
    if not advisors:
        raise ValidationFailed(
            _("This community has no legal advisor to mediate; ask the street to post one."),
            code="no_advisor",
        )
    reason = _major_reason(major_reason) if major else ""
    on_round = not covers(actor, place.path, {Role.COMMUNITY_STAFF})
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=facts,
            place=place,
            channel=Case.Channel.GRID_PATROL if on_round else Case.Channel.COUNTER,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        dispute = Dispute.objects.filter(case=case).first()
        if dispute is not None:
            return dispute  # the same intake sent twice: the first one stands
        dispute = Dispute.objects.create(
            case=case,
            community_id=community_id_of(place),
            place_path=path,
            created_at=case.created_at,
        )
        _link_residents(party_rows, path)
        for party in party_rows:
            party.dispute = dispute
        DisputeParty.objects.bulk_create(party_rows)
        notify_enqueue(
            recipients=advisors,
            kind="legal_dispute_opened",
            subject=gettext_lazy("A dispute waits for mediation: {{ kind }}"),
            body=gettext_lazy(
                "Dispute {{ number }} ({{ kind }}) in {{ community }} waits for a mediator. Open "
                "it to take it on."
            ),
            link=reverse("legal:dispute", args=[case.number]),
            target=case,
            idempotency_key=f"legal:dispute:{case.pk}:opened",
            context={
                "number": case.number,
                "kind": category.name_zh,
                "community": dispute.community.name,
            },
        )
        if major:
            _escalate(dispute, actor, reason)
    return dispute


def _major_reason(value) -> str:
    return clean_text(
        value,
        field="major_reason",
        required=_("Say why the dispute is major or complex."),
        max_length=500,
    )


def _escalate(dispute: Dispute, actor, reason: str) -> None:
    case = dispute.case
    now = timezone.now()
    Dispute.objects.filter(pk=dispute.pk).update(major=True, major_reason=reason, escalated_at=now)
    dispute.major, dispute.major_reason, dispute.escalated_at = True, reason, now
    case_services.case_record_event(case=case, actor=actor, action="escalate_street", note=reason)
    street = dispute.community.parent
    chiefs = users_covering(street.path, {Role.STREET_CHIEF}) if street else []
    notify_enqueue(
        recipients=[user for user in chiefs if user.pk != getattr(actor, "pk", None)],
        kind="legal_dispute_major",
        subject=gettext_lazy("A major dispute in {{ community }}: {{ number }}"),
        body=gettext_lazy(
            "Dispute {{ number }} in {{ community }} is flagged major or complex and escalated "
            "to the street: {{ reason }}"
        ),
        link=reverse("legal:dispute", args=[case.number]),
        target=case,
        idempotency_key=f"legal:dispute:{case.pk}:major",
        context={"number": case.number, "community": dispute.community.name, "reason": reason},
    )


def may_escalate(case: Case, user) -> bool:
    """The mediator or the staff who took it in flag an open dispute major, once."""
    return (
        case.status not in TERMINAL_STATES
        and not case.dispute.major
        and (holds(case, user, HANDLER) or case.submitted_by_id == getattr(user, "pk", None))
    )


def dispute_escalate(*, actor, case: Case, reason) -> Dispute:
    """Flag the dispute major or complex (重大复杂): the street's supervisors hold it from now on
    and its street chiefs are told why."""
    if not can_view(case, actor):
        raise NotFound(_("No such dispute."))
    dispute = dispute_of(case)
    case.dispute = dispute
    if not may_escalate(case, actor):
        raise PermissionDenied(_("Only the mediator or the staff who took it in flag it major."))
    reason = _major_reason(reason)
    with transaction.atomic():
        _escalate(dispute, actor, reason)
    return dispute


def _held_at(value, case: Case) -> datetime.datetime:
    held_at = parse_datetime(value)
    if held_at is None:
        raise ValidationFailed(_("Say when the session was held."), field="held_at")
    now = timezone.now()
    if held_at > now + datetime.timedelta(minutes=10):
        raise ValidationFailed(_("Record a session once it has been held."), field="held_at")
    if held_at < case.created_at - datetime.timedelta(days=1):
        raise ValidationFailed(
            _("A session cannot be held before the dispute was taken in."), field="held_at"
        )
    return held_at


def mediation_session_record(*, actor, case: Case, held_at, minutes, note) -> MediationSession:
    """The mediator records a sitting (its record is confidential: the mediator's and the
    holders'); its minutes count toward their monthly hours in the community. The first
    sitting starts the handling."""
    if not can_view(case, actor):
        raise NotFound(_("No such dispute."))
    if not holds(case, actor, HANDLER):
        raise PermissionDenied(_("Only the dispute's mediator records its sessions."))
    if case.status not in WORKING:
        raise ValidationFailed(_("Sessions are recorded while the mediation is under way."))
    dispute = dispute_of(case)
    held_at = _held_at(held_at, case)
    minutes = parse_minutes(minutes, most=SESSION_MINUTES_MAX)
    note = clean_text(
        note,
        field="note",
        required=_("Write what was said and agreed in the session."),
        max_length=SESSION_NOTE_MAX,
    )
    with transaction.atomic():
        if case.status != Status.IN_PROGRESS:
            case = case_services.case_start(case=case, actor=actor)
        session = MediationSession.objects.create(
            dispute=dispute, mediator=actor, held_at=held_at, minutes=minutes, note=note
        )
        service = AdvisorService.objects.create(
            advisor=actor,
            community_id=dispute.community_id,
            place_path=dispute.place_path,
            kind=AdvisorService.Kind.MEDIATION,
            minutes=minutes,
            served_at=held_at,
            case=case,
        )
        hours_count([service])
        # The timeline says a session was held, never what was said in it.
        case_services.case_record_event(
            case=case,
            actor=actor,
            action="mediation_session",
            data={"minutes": minutes, "held_at": held_at.isoformat()},
        )
    return session


def dispute_conclude(*, actor, case: Case, outcome, terms="", performance="", referred_to=""):
    """The mediator concludes: the parties' agreement (its terms and how it is carried out,
    printed as 人民调解协议书) or a referral elsewhere (the court, legal aid, a department) with
    the reason. The engine's report-back: the staff who took it in then visit the parties."""
    authorise(case, actor, "report_back")
    dispute = dispute_of(case)
    if not dispute.sessions.exists():
        raise ValidationFailed(
            _("Record at least one mediation session before concluding."), code="no_session"
        )
    if outcome == Dispute.Outcome.AGREEMENT:
        terms = clean_text(
            terms, field="terms", required=_("Write the terms agreed."), max_length=TERMS_MAX
        )
        performance = clean_text(
            performance,
            field="performance",
            required=_("Say how and by when the agreement is carried out."),
            max_length=500,
        )
        referred_to, note = "", _("Agreement reached")
    elif outcome == Dispute.Outcome.REFERRAL:
        referred_to = clean_text(
            referred_to,
            field="referred_to",
            required=_("Say where the parties are referred."),
            max_length=200,
        )
        terms = clean_text(
            terms,
            field="terms",
            required=_("Say why the mediation ends without agreement."),
            max_length=TERMS_MAX,
        )
        performance, note = "", _("Referred to %(body)s") % {"body": referred_to}
    else:
        raise ValidationFailed(_("Choose how the mediation ended."), field="outcome")
    now = timezone.now()
    with transaction.atomic():
        case = case_services.case_report_back(case=case, actor=actor, note=note)
        Dispute.objects.filter(pk=dispute.pk).update(
            outcome=outcome,
            terms=terms,
            performance=performance,
            referred_to=referred_to,
            concluded_at=now,
        )
    return case
