"""云家庭's pages for care staff: the elders of their places, registering one, their record with
family and emergency contacts, and the ability assessment form and report."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases.views.reporter import decorate
from meihao.core.audit import audit_pii_read
from meihao.core.errors import DomainError, NotFound, ValidationFailed
from meihao.core.pages import page_of, query_string, requires, scoped_object
from meihao.core.pii import mask_name
from meihao.core.roles import ELDER_CARE
from meihao.core.scoping import has_role
from meihao.eldercare import selectors, services
from meihao.eldercare.models import Assessment, Living
from meihao.eldercare.pdf import assessment_pdf
from meihao.eldercare.report import level_names, named, report_of
from meihao.eldercare.scoring import items_of
from meihao.eldercare.services import CONTACTS_MAX
from meihao.people.models import age_on


def may_care(user) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, ELDER_CARE)


@requires(may_care)
@require_GET
def elders(request):
    living = request.GET.get("living", "")
    q = request.GET.get("q", "")[:40].strip()
    rows = selectors.elders_visible_to(request.user)
    if living in Living.values:
        rows = rows.filter(living=living)
    if q:
        rows = rows.filter(person__in=selectors.person_list(request.user, q))
    latest = Assessment.objects.filter(elder=OuterRef("pk")).order_by("-assessed_on", "-pk")
    rows = rows.annotate(level=Subquery(latest.values("level")[:1])).order_by("place_path", "pk")
    page = page_of(request, rows)
    scale = services.scale_current()
    names = level_names(scale.definition)
    today = timezone.localdate()
    for elder in page.object_list:
        elder.masked_name = mask_name(elder.person.real_name)
        elder.age = age_on(elder.person.birth_date, today) if elder.person.birth_date else None
        elder.level_name = names.get(elder.level, "")
    return render(
        request,
        "eldercare/elders.html",
        {
            "page": page,
            "living": living,
            "q": q,
            "livings": Living.choices,
            "query": query_string(living=living, q=q),
        },
    )


@requires(may_care)
@require_GET
def register_find(request):
    q = request.GET.get("q", "")[:40].strip()
    found = (
        list(
            selectors.candidates(request.user, q, timezone.localdate())[
                : selectors.CANDIDATES_SHOWN
            ]
        )
        if q
        else []
    )
    return render(request, "eldercare/register_find.html", {"q": q, "people": found})


def _contacts_from(post) -> list[dict]:
    return [
        {
            "name": post.get(f"contact-{i}-name", ""),
            "relation": post.get(f"contact-{i}-relation", ""),
            "phone": post.get(f"contact-{i}-phone", ""),
        }
        for i in range(CONTACTS_MAX)
    ]


def _form(request, *, person, elder, error, status=200):
    values = request.POST if request.method == "POST" else None
    if values is None and elder is not None:
        contacts = [
            {"name": c.name, "relation": c.relation, "phone": c.phone} for c in elder.contacts.all()
        ]
        values = {
            "living": elder.living,
            "low_income": "on" if elder.low_income else "",
            "health_notes": elder.health_notes,
        }
    else:
        contacts = _contacts_from(values or {})
    contacts = (contacts + [{}] * CONTACTS_MAX)[:CONTACTS_MAX]
    field = getattr(error, "field", "") or ""
    contacts = [
        {**contact, "prefix": f"contact-{i}", "invalid": field.removeprefix(f"contact-{i}-")}
        for i, contact in enumerate(contacts)
    ]
    return render(
        request,
        "eldercare/form.html",
        {
            "person": person,
            "elder": elder,
            "values": values or {},
            "contacts": contacts,
            "livings": Living.choices,
            "error": error,
        },
        status=status,
    )


@requires(may_care, refusal_is_404=True)
@require_http_methods(["GET", "POST"])
def register(request, pk):
    person = selectors.candidate_get(request.user, pk, timezone.localdate())
    if request.method == "POST":
        try:
            elder = services.elder_register(
                actor=request.user,
                person=person,
                living=request.POST.get("living", ""),
                low_income=request.POST.get("low_income") == "on",
                health_notes=request.POST.get("health_notes", ""),
                contacts=_contacts_from(request.POST),
            )
        except DomainError as error:
            return _form(request, person=person, elder=None, error=error, status=error.status)
        messages.success(
            request, _("%(name)s is now in the community's care.") % {"name": person.real_name}
        )
        return redirect("eldercare:elder", pk=elder.pk)
    return _form(request, person=person, elder=None, error=None)


@require_http_methods(["GET", "POST"])
@scoped_object(selectors.elder_get)
def edit(request, elder):
    if request.method == "POST":
        try:
            services.elder_update(
                actor=request.user,
                elder=elder,
                living=request.POST.get("living", ""),
                low_income=request.POST.get("low_income") == "on",
                health_notes=request.POST.get("health_notes", ""),
                contacts=_contacts_from(request.POST),
            )
        except DomainError as error:
            return _form(
                request, person=elder.person, elder=elder, error=error, status=error.status
            )
        messages.success(request, _("Saved."))
        return redirect("eldercare:elder", pk=elder.pk)
    return _form(request, person=elder.person, elder=elder, error=None)


@require_GET
@scoped_object(selectors.elder_get)
def elder_page(request, elder):
    # The health notes are read here, and only here: the list shows masked names only.
    audit_pii_read(actor=request.user, target=elder, field="health_notes")
    assessments = list(elder.assessments.select_related("scale", "assessor"))
    for assessment in assessments:
        assessment.level_name = level_names(assessment.scale.definition)[assessment.level]
    person = elder.person
    return render(
        request,
        "eldercare/elder.html",
        {
            "elder": elder,
            "person": person,
            "age": age_on(person.birth_date, timezone.localdate()) if person.birth_date else None,
            "contacts": list(elder.contacts.all()),
            "family": selectors.family_of(elder),
            "assessments": assessments,
        },
    )


@require_POST
@scoped_object(selectors.elder_get)
def family_add(request, elder):
    link = services.family_link_record(
        actor=request.user,
        elder=elder,
        phone=request.POST.get("phone", ""),
        relation=request.POST.get("relation", ""),
    )
    messages.success(
        request,
        _("%(name)s may now act for the elder.") % {"name": link.user.name or link.user.phone},
    )
    return redirect("eldercare:elder", pk=elder.pk)


@require_POST
@scoped_object(selectors.elder_get)
def family_end(request, elder, link):
    found = next((f for f in selectors.family_of(elder) if str(f.pk) == link), None)
    if found is None:
        raise NotFound()
    services.family_link_end(actor=request.user, link=found)
    messages.success(request, _("The family member no longer acts for the elder."))
    return redirect("eldercare:elder", pk=elder.pk)


def _assessment_inputs(post) -> dict:
    definition = services.scale_current().definition
    answers = {}
    for item in items_of(definition):
        raw = post.get(f"item-{item['code']}", "")
        answers[item["code"]] = int(raw) if raw.isdigit() and len(raw) < 4 else raw
    raw_events = post.get("risk_events", "0").strip() or "0"
    try:
        assessed_on = datetime.date.fromisoformat(post.get("assessed_on", ""))
    except ValueError:
        raise ValidationFailed(_("Enter the date of the assessment."), field="date") from None
    return {
        "reason": post.get("reason", ""),
        "assessed_on": assessed_on,
        "answers": answers,
        "conditions": post.getlist("conditions"),
        "risk_events": int(raw_events) if raw_events.isdigit() and len(raw_events) < 4 else -1,
        "note": post.get("note", ""),
    }


@require_http_methods(["GET", "POST"])
@scoped_object(selectors.elder_get)
def assess(request, elder):
    scale = services.scale_current()
    error = None
    if request.method == "POST":
        try:
            assessment = services.assessment_record(
                actor=request.user, elder=elder, **_assessment_inputs(request.POST)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect("eldercare:assessment", pk=assessment.pk)
    definition = scale.definition
    overrides = definition.get("overrides", {})
    return render(
        request,
        "eldercare/assess.html",
        {
            "elder": elder,
            "scale": scale,
            "dimensions": [
                {
                    "name": named(dimension),
                    "items": [
                        {
                            **item,
                            "label": named(item),
                            "input": f"item-{item['code']}",
                            "chosen": request.POST.get(f"item-{item['code']}"),
                        }
                        for item in dimension["items"]
                    ],
                }
                for dimension in definition["dimensions"]
            ],
            "conditions": [
                rule
                for rules in overrides.values()
                for rule in rules
                if rule["code"] != "risk_events"
            ],
            "reasons": Assessment.Reason.choices,
            "reason": request.POST.get("reason")
            or ("routine" if elder.assessments.exists() else "first"),
            "assessed_on": request.POST.get("assessed_on") or timezone.localdate().isoformat(),
            "values": request.POST,
            "chosen_conditions": request.POST.getlist("conditions"),
            "today": timezone.localdate(),
            "error": error,
        },
        status=error.status if error else 200,
    )


@require_GET
@scoped_object(selectors.assessment_get)
def assessment_page(request, assessment):
    audit_pii_read(actor=request.user, target=assessment.elder, field="assessment")
    return render(
        request,
        "eldercare/assessment.html",
        {"assessment": assessment, "elder": assessment.elder, "report": report_of(assessment)},
    )


@require_GET
@scoped_object(selectors.assessment_get)
def assessment_download(request, assessment):
    audit_pii_read(actor=request.user, target=assessment.elder, field="assessment")
    body = assessment_pdf(assessment, report_of(assessment))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"assessment-{assessment.assessed_on:%Y%m%d}-{assessment.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def family(request):
    """The elders the user acts for as family: how they live, their level and their visits —
    never the health notes, which only care staff read."""
    links = selectors.family_links_of(request.user)
    today = timezone.localdate()
    for link in links:
        elder = link.elder
        elder.age = age_on(elder.person.birth_date, today) if elder.person.birth_date else None
        latest = selectors.current_assessment(elder)
        elder.level_name = level_names(latest.scale.definition)[latest.level] if latest else ""
        elder.visits = selectors.recent_visits(elder)
        decorate(elder.visits)
    return render(request, "eldercare/family.html", {"links": links})


@login_required
@require_POST
def family_leave(request, link):
    """The family member stops acting for the elder."""
    found = next((f for f in selectors.family_links_of(request.user) if str(f.pk) == link), None)
    if found is None:
        raise NotFound()
    services.family_link_end(actor=request.user, link=found)
    messages.success(request, _("You no longer act for %(name)s.") % {"name": found.elder})
    return redirect("eldercare:family")
