"""The petitions' pages: the public answers page (问政回复) with search, the form, the petitioner's
list, following a petition by its query code (no log-in), and the panel's forms on the engine's
case page. Parse, call a selector or service, redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meihao.cases import selectors as case_selectors
from meihao.cases.models import Case
from meihao.cases.views.reporter import decorate
from meihao.core.errors import DomainError, NotFound
from meihao.core.pages import page_of, query_string
from meihao.core.pii import mask_name
from meihao.core.throttle import rate_limited
from meihao.petitions import selectors, services
from meihao.petitions.models import BODY_MAX, PETITION_CODE, TITLE_MAX, Kind


@login_not_required
@require_GET
def index(request):
    """问政回复: the published questions and answers, searchable; the way in for a new one."""
    query = request.GET.get("q", "")[: selectors.SEARCH_MAX]
    page = page_of(request, selectors.published_answers(query))
    for petition in page.object_list:
        # Anonymous toward the public: no name at all; otherwise the family name only.
        reporter = petition.case.reporter
        petition.asker = (
            "" if petition.anonymous or reporter is None else mask_name(reporter.real_name)
        )
    return render(
        request,
        "petitions/index.html",
        {"page": page, "q": query, "query": query_string(q=query)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    error = None
    if request.method == "POST":
        try:
            petition = services.petition_file(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                topic=request.POST.get("topic", ""),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                photos=request.FILES.getlist("photos"),
                anonymous=request.POST.get("anonymous") == "on",
                publish_consent=request.POST.get("publish_consent") == "on",
                urgent=request.POST.get("urgent") == "on",
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Your petition %(number)s is sent. Its query code is %(code)s.")
                % {"number": petition.case.number, "code": petition.query_code},
            )
            return redirect("cases:detail", number=petition.case.number)
    return render(
        request,
        "petitions/new.html",
        {
            "kinds": Kind.choices,
            "areas": selectors.topic_choices(),
            "values": request.POST,
            "error": error,
            "title_max": TITLE_MAX,
            "body_max": BODY_MAX,
            "token": uuid.uuid4().hex,
        },
        status=error.status if error else 200,
    )


@login_required
@require_GET
def mine(request):
    page = page_of(request, selectors.my_petitions(request.user))
    decorate([petition.case for petition in page.object_list])
    return render(request, "petitions/mine.html", {"page": page})


@login_not_required
@rate_limited("petition_track", by="ip", methods=("GET",))
@require_GET
def track(request):
    """Follow a petition by its query code: where it is, the reply or why it was declined;
    never the petitioner or what they wrote."""
    code = request.GET.get("code", "")
    petition = None
    if code:
        try:
            petition = selectors.petition_track(code)
        except DomainError:
            return render(
                request,
                "petitions/track.html",
                {"code": code[:20], "not_found": True},
                status=404,
            )
        case = petition.case
        decorate([case])
        petition.reply = selectors.last_note(case, "report_back")
        petition.declined = selectors.last_note(case, "reject")
    return render(request, "petitions/track.html", {"code": code[:20], "petition": petition})


def _petition_case(request, number) -> Case:
    case = case_selectors.case_detail(user=request.user, number=number)
    if case.case_type.code != PETITION_CODE:
        raise NotFound()
    return case


@login_required
@require_POST
def decline(request, number):
    case = _petition_case(request, number)
    services.petition_decline(actor=request.user, case=case, channel=request.POST.get("channel"))
    messages.success(request, _("The petition is declined; the petitioner is told why."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def merge(request, number):
    case = _petition_case(request, number)
    services.petition_merge(
        actor=request.user, case=case, original_number=request.POST.get("original", "")
    )
    messages.success(request, _("The petition is merged into the earlier one."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def publish(request, number):
    case = _petition_case(request, number)
    services.petition_publish(
        actor=request.user,
        case=case,
        question=request.POST.get("question", ""),
        answer=request.POST.get("answer", ""),
    )
    messages.success(request, _("The question and answer are published."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def unpublish(request, number):
    case = _petition_case(request, number)
    services.petition_unpublish(actor=request.user, case=case)
    messages.success(request, _("The question and answer are no longer published."))
    return redirect("cases:detail", number=number)
