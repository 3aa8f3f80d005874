"""The online application's page (phone first): where it is, what was handed in, what is
missing, the decision; and the step its viewer may take now — the holder of its stage (take in,
ask for what is missing, refuse to take in, pass on, decide) or the applicant (hand in what was
asked for). Parse, call a selector or service, redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases.formschema import answer_rows, form_answers, form_fields
from meihao.cases.timeline import timeline
from meihao.cases.views.reporter import decorate, rating_context
from meihao.catalogue.applying import item_to_apply
from meihao.catalogue.routes import route_for
from meihao.catalogue.selectors import item_public_get
from meihao.core.audit import audit_pii_read
from meihao.core.errors import DomainError, IllegalTransition
from meihao.core.pages import page_of, public_url, query_string, requires, scoped_object
from meihao.core.pii import mask_name
from meihao.core.roles import COUNTER_STAFF
from meihao.core.scoping import has_role
from meihao.core.throttle import rate_limited
from meihao.egov import documents, selectors, services
from meihao.egov.documents import PURPOSE_MAX, VALID_DAYS_DEFAULT, VALID_DAYS_MAX, may_revoke
from meihao.egov.holders import holds_stage
from meihao.egov.models import Decision
from meihao.egov.pdf import document_pdf
from meihao.egov.steps import STEPS
from meihao.egov.vocabulary import EGOV_WORDS
from meihao.people.selectors import own_person

# The office reads an application's steps in the same words as its applicant (受理, 补正, 转下一
# 环节), not the grid's 派遣.
STEP_LABELS = EGOV_WORDS.events


@require_GET
@scoped_object(selectors.application_case_get, kwarg="number")
def detail(request, case):
    decorate([case])
    application = case.application
    stages = route_for(application.item, application.home_path)
    if application.applicant.user_id != request.user.pk:
        # Staff read the applicant's name in full here, and only here: the lists mask it.
        audit_pii_read(actor=request.user, target=application, field="applicant")
    issued = list(application.documents.all())
    for document in issued:
        document.may_revoke = document.revoked_at is None and may_revoke(document, request.user)
    actions = selectors.actions_for(case, request.user)
    actions["issue_document"] = (
        application.decision == Decision.APPROVED
        and holds_stage(application, request.user)
        and all(document.revoked_at for document in issued)
    )
    return render(
        request,
        "egov/detail.html",
        {
            "case": case,
            "application": application,
            "documents": issued,
            "valid_days": VALID_DAYS_DEFAULT,
            "valid_days_max": VALID_DAYS_MAX,
            "purpose_max": PURPOSE_MAX,
            "stages": stages,
            "materials": list(application.item.materials.all()),
            "answers": answer_rows(application.guide.guide.get("form_schema"), application.answers),
            "attachments": list(application.attachments.all()),
            "events": timeline(
                case, case.events.all(), viewer=request.user, staff_labels=STEP_LABELS
            ),
            "actions": actions,
            **rating_context(case, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, code):
    """Apply for an item: a file per material, the consent to reuse the platform's records for
    the materials it holds, a note. With `for` (a resident's id), counter staff file for that
    resident (代办), also for an item not done online."""
    item = item_to_apply(code)
    for_pk = request.POST.get("applicant") or request.GET.get("for")
    applicant = selectors.counter_applicant(request.user, item, for_pk) if for_pk else None
    if not item.online and applicant is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            application = services.application_file(
                actor=request.user,
                item=item,
                files=_files(request),
                consent=request.POST.get("consent") == "on",
                note=request.POST.get("note", ""),
                applicant=applicant,
                idempotency_key=request.POST.get("idempotency_key") or None,
                answers=form_answers(item.form_schema, request.POST),
            )
        except DomainError as exc:
            error = exc
        else:
            if applicant is None:
                done = _("Your application %(number)s is sent. You will be told of every step.")
            else:
                done = _(
                    "Application %(number)s is filed for the resident, who is told of every step."
                )
            messages.success(request, done % {"number": application.case.number})
            return redirect("egov:detail", number=application.case.number)
    person = applicant or own_person(request.user)
    invalid = getattr(error, "field", "") or ""
    return render(
        request,
        "egov/apply.html",
        {
            "item": item,
            "person": person,
            "for_resident": applicant,
            "stages": route_for(item, person.home_place_path if person else ""),
            # The item and its materials are shared by the process's requests (item_to_apply):
            # what is wrong with this form travels beside them, never on them.
            "materials": item.materials.all(),
            "invalid_material": invalid.removeprefix("material-"),
            "form_fields": form_fields(item.form_schema, request.POST, invalid=invalid),
            "values": request.POST,
            "error": error,
            "token": uuid.uuid4().hex,
        },
        status=error.status if error else 200,
    )


@requires(lambda user: has_role(user, COUNTER_STAFF))
@require_GET
def counter(request, code):
    """代办 at the counter: find the resident (ID number, mobile number, its last four digits or
    part of the name), then fill in the application for them."""
    item = item_public_get(code)
    q = request.GET.get("q", "")[:40]
    people = selectors.counter_people(request.user, item, q)
    return render(request, "egov/counter.html", {"item": item, "q": q, "people": people})


@requires(lambda user: has_role(user, COUNTER_STAFF))
@require_POST
def counter_visit(request, code):
    """A visit to the counter served there and then, recorded for the resident to rate."""
    item = item_public_get(code)
    visitor = selectors.counter_applicant(request.user, item, request.POST.get("person", ""))
    case = services.counter_visit_record(
        actor=request.user, item=item, visitor=visitor, note=request.POST.get("note", "")
    )
    messages.success(
        request,
        _("Recorded as %(number)s. %(name)s can rate the service.")
        % {"number": case.number, "name": visitor.real_name},
    )
    return redirect(reverse("egov:counter", args=[item.code]))


@login_required
@require_GET
def mine(request):
    page = page_of(request, selectors.my_applications(request.user))
    decorate([application.case for application in page.object_list])
    return render(request, "egov/mine.html", {"page": page})


WORK_TITLES = {
    "waiting": gettext_lazy("Waiting for my office"),
    "open": gettext_lazy("Open"),
    "all": gettext_lazy("All"),
}


@requires(selectors.may_work)
@require_GET
def work(request):
    view = request.GET.get("view", "waiting")
    if view not in selectors.WORK_VIEWS:
        view = "waiting"
    page = page_of(request, selectors.work_list(request.user, view))
    for application in page.object_list:
        application.masked_applicant = mask_name(application.applicant.real_name)
    decorate([application.case for application in page.object_list])
    return render(
        request,
        "egov/work.html",
        {"page": page, "view": view, "views": WORK_TITLES, "query": query_string(view=view)},
    )


@login_not_required
@require_GET
def publicity(request):
    """公示: only what the rules allow — the family name, the community, the item and the
    notice's dates; never an ID number, an address or the application's number."""
    page = page_of(request, selectors.in_public_notice(timezone.now()))
    rows = [
        {
            "name": mask_name(application.applicant.real_name),
            "community": application.home.name,
            "item": application.item.name,
            "phone": application.item.phone,
            "since": application.publicity_from,
            "until": application.publicity_until,
        }
        for application in page.object_list
    ]
    return render(request, "egov/publicity.html", {"page": page, "rows": rows})


@login_required
@require_GET
def attachment(request, number, pk):
    found = selectors.attachment_get(request.user, number, pk)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def _files(request) -> dict:
    files = {}
    for key in request.FILES:
        if key.startswith("material-") and key[9:].isdigit() and len(key) < 24:
            files[int(key[9:])] = request.FILES.getlist(key)
    return files


@login_required
@require_POST
def act(request, number, step):
    if STEPS.get(step) is None:
        raise Http404
    case = selectors.application_case_get(request.user, number)
    STEPS.take(
        step,
        case=case,
        actor=request.user,
        inputs={**request.POST.dict(), "files": _files(request)},
    )
    messages.success(request, STEPS.get(step).done)
    return redirect("egov:detail", number=number)


@login_required
@require_POST
def document_issue(request, number):
    case = selectors.application_case_get(request.user, number)
    document = documents.document_issue(
        actor=request.user,
        application=case.application,
        purpose=request.POST.get("purpose", ""),
        valid_days=request.POST.get("valid_days"),
    )
    messages.success(request, _("Document %(serial)s is issued.") % {"serial": document.serial})
    return redirect("egov:detail", number=number)


@login_required
@require_POST
def document_revoke(request, number, pk):
    document = selectors.document_get(request.user, number, pk)
    documents.document_revoke(
        actor=request.user, document=document, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Document %(serial)s was revoked.") % {"serial": document.serial})
    return redirect("egov:detail", number=number)


@login_required
@require_GET
def document_download(request, number, pk):
    document = selectors.document_get(request.user, number, pk)
    if document.revoked_at is not None:
        raise IllegalTransition(_("This document was revoked and can no longer be downloaded."))
    verify_url = public_url(request, reverse("document", args=[document.token]))
    body = document_pdf(document, verify_url=f"{verify_url}?h={document.content_hash}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.serial}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@rate_limited("document_check", by="ip", methods=("GET",))
@require_GET
def document_verify(request, token):
    """Public (no log-in): whether the document is valid and unaltered, with a masked summary;
    `h` is the content hash its QR code carries."""
    check = selectors.document_verify(token, request.GET.get("h", ""), timezone.localdate())
    return render(request, "egov/document_verify.html", {"check": check})
