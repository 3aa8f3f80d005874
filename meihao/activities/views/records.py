"""Service-record pages: the records of the organiser's places, entering one with evidence,
reversing one, and the evidence photo (served only through here, after the visibility check)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from meihao.activities import records, selectors
from meihao.activities.forms import ReasonForm, ServiceRecordForm
from meihao.activities.views.organiser import organiser_page
from meihao.core.errors import DomainError
from meihao.core.forms import add_domain_error
from meihao.core.pages import scoped_object

PAGE_SIZE = 25


@organiser_page
def record_list(request):
    page = Paginator(selectors.scoped_records(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/records.html", {"page": page, "query": ""})


@organiser_page
def record_new(request):
    initial = {
        "service_date": timezone.localdate(),
        "person_in_charge": records.display_name(request.user),
    }
    form = ServiceRecordForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            records.service_record_enter_by_staff(actor=request.user, **form.record_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Service record saved."))
            return redirect("activities:records")
    return render(request, "activities/record_form.html", {"form": form})


@scoped_object(selectors.organised_record_get, page_ability=selectors.may_organise_any)
def record_reverse(request, record):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.service_record_reverse(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The record is reversed."))
            return redirect("activities:records")
    return render(request, "activities/record_reverse.html", {"record": record, "form": form})


@never_cache
@scoped_object(selectors.record_get, ability=lambda user, record: bool(record.evidence))
def evidence(request, record):
    return FileResponse(record.evidence.open("rb"), content_type="image/jpeg")
