"""Writes of the legal-advisor app: a resident asks their community's advisor, the advisor
answers and records the minutes it took; confirming, asking again and withdrawing are the
engine's own steps (the consultation page's step table)."""

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.activities.models import Activity
from meihao.cases import services as case_services
from meihao.cases.access import authorise
from meihao.cases.classes import active_type, minor_class
from meihao.cases.models import Case
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_minutes
from meihao.core.scoping import users_covering
from meihao.legal.compliance import hours_count, posts_month
from meihao.legal.holders import ADVISORS
from meihao.legal.models import (
    ANSWER_MAX,
    ANSWER_MINUTES_MAX,
    LEGAL_CODE,
    QUESTION_MAX,
    AdvisorService,
    Consultation,
)
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue
from meihao.people.models import User
from meihao.people.selectors import own_person
from meihao.places.models import community_id_of, community_path

register_kind(
    "legal_consultation_asked",
    label=gettext_lazy("A resident asks for legal advice in my community"),
)


def community_advisors(path: str) -> list:
    """The legal advisors serving the community `path` lies in."""
    return users_covering(community_path(path), ADVISORS)


def consultation_of(case: Case) -> Consultation:
    consultation = Consultation.objects.filter(case=case).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation


def consultation_ask(
    *, actor, topic: str, question, idempotency_key: str | None = None
) -> Consultation:
    """A resident asks the legal advisors of their home community (法律咨询): a LEGAL case at
    their home, in the pool of those advisors, who are told at once."""
    person = own_person(actor)
    if person is None:
        raise ValidationFailed(
            _("Enter your real-name details first: an advisor answers a named resident."),
            code="no_person",
        )
    community_id = community_id_of(person.home_place)
    if community_id is None:
        raise ValidationFailed(
            _("Your home community is not recorded; ask your community to add it."),
            code="no_home_community",
        )
    case_type = active_type(LEGAL_CODE)
    if case_type is None:
        raise ValidationFailed(_("Legal consultations are not taken at the moment."))
    category = minor_class(case_type, code=str(topic or ""))
    if category is None or not category.is_active:
        raise ValidationFailed(_("Choose what your question is about."), field="topic")
    question = clean_text(
        question, field="question", required=_("Write your question."), max_length=QUESTION_MAX
    )
    advisors = community_advisors(person.home_place_path)
    if not advisors:
        raise ValidationFailed(
            _("Your community has no legal advisor yet; ask at the community office."),
            code="no_advisor",
        )
    with transaction.atomic():
        case = case_services.case_submit(
            actor=actor,
            case_type=case_type,
            category=category,
            description=question,
            place=person.home_place,
            channel=Case.Channel.RESIDENT,
            reporter=person,
            idempotency_key=idempotency_key,
            filed_by_app=True,
        )
        consultation = Consultation.objects.filter(case=case).first()
        if consultation is not None:
            return consultation  # the same question sent twice: the first one stands
        consultation = Consultation.objects.create(
            case=case,
            community_id=community_id,
            place_path=community_path(person.home_place_path),
            created_at=case.created_at,
        )
        notify_enqueue(
            recipients=advisors,
            kind="legal_consultation_asked",
            subject=gettext_lazy("A resident asks for legal advice: {{ topic }}"),
            body=gettext_lazy(
                "Consultation {{ number }} ({{ topic }}) waits for an advisor. Open it to take "
                "it on and answer."
            ),
            link=reverse("legal:consultation", args=[case.number]),
            target=case,
            idempotency_key=f"legal:{case.pk}:asked",
            context={"number": case.number, "topic": category.name_zh},
        )
    return consultation


def consultation_answer(*, actor, case: Case, answer, minutes) -> Case:
    """The advisor answers (the engine's report-back, the answer its note), taking the
    consultation first if nobody has; the minutes it took count toward the advisor's monthly
    hours in the resident's community. A resident who asks again is answered the same way."""
    taking = case.assigned_user_id is None
    authorise(case, actor, "claim" if taking else "report_back")
    consultation = consultation_of(case)
    answer = clean_text(
        answer, field="answer", required=_("Write your answer."), max_length=ANSWER_MAX
    )
    minutes = parse_minutes(minutes, most=ANSWER_MINUTES_MAX)
    with transaction.atomic():
        if taking:
            case = case_services.case_claim(case=case, actor=actor)
        case = case_services.case_report_back(case=case, actor=actor, note=answer)
        Consultation.objects.filter(pk=consultation.pk).update(minutes=F("minutes") + minutes)
        service = AdvisorService.objects.create(
            advisor=actor,
            community_id=consultation.community_id,
            place_path=consultation.place_path,
            kind=AdvisorService.Kind.CONSULTATION,
            minutes=minutes,
            served_at=timezone.now(),
            case=case,
        )
        hours_count([service])
    return case


register_kind(
    "legal_hours_short",
    label=gettext_lazy("My legal service hours this month fall short"),
)


SHORT_SUBJECT = gettext_lazy("Legal service hours in {{ community }}: {{ short }} h to go")


def advisors_remind_short_hours(*, today: datetime.date | None = None) -> int:
    """In the month's last days (LEGAL_REMIND_DAYS_BEFORE_MONTH_END), tell every advisor short
    of a community's monthly hours how many are still owed: once a month for each community
    (the message's key), however often the job runs. Returns how many were told."""
    today = today or timezone.localdate()
    days_left = calendar.monthrange(today.year, today.month)[1] - today.day
    if days_left >= settings.LEGAL_REMIND_DAYS_BEFORE_MONTH_END:
        return 0
    short = [row for row in posts_month("", today.year, today.month) if not row.met]
    advisors = User.objects.in_bulk([row.advisor_id for row in short])
    with transaction.atomic():
        for row in short:
            notify_enqueue(
                recipients=[advisors[row.advisor_id]],
                kind="legal_hours_short",
                subject=SHORT_SUBJECT,
                body=gettext_lazy(
                    "This month you have served {{ community }} {{ done }} h of the "
                    "{{ required }} h owed. {{ short }} h are still to do before the month "
                    "ends."
                ),
                link=reverse("legal:home"),
                target=("places.place", row.community_id),
                idempotency_key=f"legal:short:{row.advisor_id}:{row.community_id}:{today:%Y-%m}",
                context={
                    "community": row.community_name,
                    "done": f"{row.minutes / 60:.1f}",
                    "required": f"{row.required / 60:g}",
                    "short": f"{row.minutes_short / 60:.1f}",
                },
            )
    return len(short)


SESSION_KINDS = {
    Activity.Kind.LEGAL_DUTY: AdvisorService.Kind.DUTY,
    Activity.Kind.LEGAL_EDUCATION: AdvisorService.Kind.EDUCATION,
}


def count_session_hours(*, activity, attendances, actor) -> None:
    """A finished duty or legal-education session in a community: the minutes each of the
    community's advisors was there (their attendance's credited minutes) count as their service
    in it (activities.extensions: run when the activity is finished, in its transaction). A
    session above community level is no community's service."""
    community_id = community_id_of(activity.place)
    if community_id is None:
        return
    path = community_path(activity.place_path)
    advisors = {user.pk for user in community_advisors(path)}
    services = AdvisorService.objects.bulk_create(
        AdvisorService(
            advisor_id=attendance.signup.person.user_id,
            community_id=community_id,
            place_path=path,
            kind=SESSION_KINDS[activity.kind],
            minutes=attendance.credited_minutes,
            served_at=attendance.checked_in_at,
            activity=activity,
        )
        for attendance in attendances
        if attendance.credited_minutes > 0 and attendance.signup.person.user_id in advisors
    )
    hours_count(services)
