"""The party organisations' pages: 404 for anyone who holds no post and is no member; an
organisation or member out of the user's party scope is 404 too."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meihao.activities.attendance import activity_finish
from meihao.activities.models import Activity
from meihao.core import pages
from meihao.core.audit import audit_pii_read
from meihao.core.errors import NotFound
from meihao.core.inputs import parse_datetime, parse_int
from meihao.core.pages import page_of
from meihao.party import compliance, meetings, selectors, services, study
from meihao.party.models import (
    PartyMember,
    PartyOrg,
    PartyPost,
    StudyMaterial,
    StudyRecord,
    committee_paths,
    committee_q,
)
from meihao.party.record import record_book_pdf
from meihao.places.models import Level, Place

party_page = pages.requires(selectors.sees_party)
MEETINGS_SHOWN = 12
org_page = pages.scoped_object(selectors.org_get, page_ability=selectors.sees_party)
member_page = pages.scoped_object(selectors.member_get, page_ability=selectors.sees_party)


@party_page
@require_GET
def home(request):
    user = request.user
    membership = selectors.own_membership(user)
    return render(
        request,
        "party/home.html",
        {"membership": membership, "led": selectors.led_orgs(user).select_related("place")},
    )


def _org(request, org, *, error=None, form="", status=200):
    user = request.user
    manages = services.manages(user, org)
    context = {
        "org": org,
        "ancestors": selectors.ancestors(user, org),
        "posts": selectors.posts_of(org),
        "children": selectors.children_with_counts(org),
        "counts": selectors.member_counts(org),
        "manages": manages,
        "error": error,
        "failed_form": form,
        "values": request.POST,
        "levels": [
            (level, PartyOrg.Level(level).label) for level in services.CHILD_LEVELS[org.level]
        ],
        "post_choices": [
            (value, label)
            for value, label in PartyPost.Post.choices
            if (value == PartyPost.Post.GROUP_LEADER) == (org.level == PartyOrg.Level.GROUP)
        ],
        "statuses": PartyMember.Status.choices,
        "meetings": selectors.meetings_of(org)[:MEETINGS_SHOWN],
    }
    if org.holds_meetings:
        today = timezone.localdate()
        context["cells"] = compliance.cells_of([org], today.year, today)[org.pk]
        context["year"] = today.year
        context["meeting_types"] = meetings.types_for(org)
    if manages:
        context["page"] = page_of(request, selectors.members_of(user, org))
        context["places"] = Place.objects.filter(
            path__startswith=org.place_path,
            level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY),
        ).order_by("path")
    return render(request, "party/org.html", context, status=status)


@org_page
@require_GET
def org(request, org):
    return _org(request, org)


def _written(request, shown, form: str, write, success: str, to, *, page=None):
    """Every form of these pages: run the service `write`; a refusal shows the page about
    `shown` again (`page`, the organisation's by default) with the message at `form` (400), a
    success says so and goes where `to(result)` names (a URL name and its arguments)."""
    return pages.written(
        request,
        write,
        again=lambda error: (page or _org)(request, shown, error=error, form=form, status=400),
        success=success,
        to=to,
    )


@org_page
@require_POST
def org_add(request, org):
    post = request.POST
    return _written(
        request,
        org,
        "org",
        lambda: services.org_create(
            actor=request.user,
            parent=org,
            name=post.get("name"),
            level=post.get("level", ""),
            place_id=post.get("place"),
            temporary=post.get("temporary") == "1",
            starts_on=post.get("starts_on") or None,
            ends_on=post.get("ends_on") or None,
        ),
        _("Organisation set up."),
        lambda child: ("party:org", child.pk),
    )


@org_page
@require_POST
def member_add(request, org):
    post = request.POST
    return _written(
        request,
        org,
        "member",
        lambda: services.member_add(
            actor=request.user,
            branch=org,
            phone=post.get("phone"),
            status=post.get("status", ""),
            joined_party_on=post.get("joined_party_on") or None,
        ),
        _("Member entered."),
        lambda member: ("party:member", member.pk),
    )


@org_page
@require_POST
def post_assign(request, org):
    post = request.POST
    return _written(
        request,
        org,
        "post",
        lambda: services.post_assign(
            actor=request.user, org=org, phone=post.get("phone"), post=post.get("post", "")
        ),
        _("Post assigned."),
        lambda seat: ("party:org", org.pk),
    )


@party_page
@require_POST
def post_remove(request, pk):
    seat = selectors.seat_get(request.user, pk)
    services.post_remove(actor=request.user, seat=seat)
    messages.success(request, _("Post removed."))
    return redirect("party:org", seat.org_id)


def _member(request, member, *, error=None, form="", status=200):
    user = request.user
    manages = services.manages(user, member.branch)
    context = {
        "member": member,
        "transfers": selectors.transfers_of(member),
        "manages": manages,
        "error": error,
        "failed_form": form,
        "values": request.POST,
        "statuses": PartyMember.Status.choices,
        "today": timezone.localdate(),
    }
    if manages:
        context["targets"] = selectors.transfer_targets(user, member)
        context["hosts"] = services.away_host_choices(member)
    return render(request, "party/member.html", context, status=status)


@member_page
@require_GET
def member(request, member):
    return _member(request, member)


@member_page
@require_POST
def member_transfer(request, member):
    post = request.POST
    return _written(
        request,
        member,
        "transfer",
        lambda: services.member_transfer(
            actor=request.user,
            member=member,
            to_branch_id=post.get("to_branch"),
            on=post.get("on"),
            reason=post.get("reason"),
        ),
        _("Transfer recorded."),
        lambda done: ("party:member", member.pk),
        page=_member,
    )


@member_page
@require_POST
def member_status(request, member):
    return _written(
        request,
        member,
        "status",
        lambda: services.member_status_set(
            actor=request.user, member=member, status=request.POST.get("status", "")
        ),
        _("Status changed."),
        lambda done: ("party:member", member.pk),
        page=_member,
    )


@member_page
@require_POST
def member_away(request, member):
    post = request.POST
    return _written(
        request,
        member,
        "away",
        lambda: services.member_away_set(
            actor=request.user,
            member=member,
            away=post.get("away") == "1",
            where=post.get("away_where"),
            since=post.get("away_since"),
            contact=post.get("away_contact"),
            host_id=post.get("away_host") or None,
        ),
        _("Saved."),
        lambda done: ("party:member", member.pk),
        page=_member,
    )


# --- meetings ------------------------------------------------------------------------------------

meeting_page = pages.scoped_object(selectors.meeting_get, page_ability=selectors.sees_party)


@org_page
@require_POST
def meeting_schedule(request, org):
    post = request.POST
    return _written(
        request,
        org,
        "meeting",
        lambda: meetings.meeting_schedule(
            actor=request.user,
            org=org,
            type_id=post.get("type"),
            starts_at=parse_datetime(post.get("starts_at")),
            ends_at=parse_datetime(post.get("ends_at")),
            venue=post.get("venue", ""),
            address=post.get("address", ""),
            online_url=post.get("online_url", ""),
            agenda=post.get("agenda", ""),
            lecturer_phone=post.get("lecturer_phone", ""),
        ),
        _("Meeting called: the members are told."),
        lambda meeting: ("party:meeting", meeting.pk),
    )


def _meeting(request, meeting, *, error=None, form="", status=200):
    user = request.user
    manages = services.manages(user, meeting.org)
    called, guests = selectors.roll_call(meeting) if manages else ([], [])
    activity = meeting.activity
    now = timezone.now()
    return render(
        request,
        "party/meeting.html",
        {
            "meeting": meeting,
            "activity": activity,
            "manages": manages,
            "approves": manages and meetings.approves(user, meeting.org),
            "called": called,
            "guests": guests,
            "absent": [c for c in called if not c.present],
            "started": activity.starts_at <= now,
            "finished": activity.status == Activity.Status.FINISHED,
            "may_finish": manages
            and activity.status == Activity.Status.PUBLISHED
            and activity.starts_at <= now,
            "error": error,
            "failed_form": form,
            "values": request.POST,
        },
        status=status,
    )


@meeting_page
@require_GET
def meeting(request, meeting):
    return _meeting(request, meeting)


@meeting_page
@require_POST
def meeting_finish(request, meeting):
    if not services.manages(request.user, meeting.org):
        raise NotFound()
    activity_finish(actor=request.user, activity=meeting.activity)
    messages.success(request, _("Meeting finished: its attendance is recorded."))
    return redirect("party:meeting", meeting.pk)


@meeting_page
@require_POST
def minutes(request, meeting):
    post = request.POST
    return _written(
        request,
        meeting,
        "minutes",
        lambda: meetings.minutes_write(
            actor=request.user,
            meeting=meeting,
            minutes=post.get("minutes"),
            resolutions=post.get("resolutions", ""),
        ),
        _("Minutes saved."),
        lambda done: ("party:meeting", meeting.pk),
        page=_meeting,
    )


@meeting_page
@require_POST
def approve(request, meeting):
    meetings.minutes_approve(actor=request.user, meeting=meeting)
    messages.success(request, _("Minutes approved."))
    return redirect("party:meeting", meeting.pk)


@meeting_page
@require_POST
def absence(request, meeting):
    post = request.POST
    return _written(
        request,
        meeting,
        "absence",
        lambda: meetings.absence_record(
            actor=request.user,
            meeting=meeting,
            person_id=post.get("person"),
            reason=post.get("reason"),
        ),
        _("Absence recorded."),
        lambda done: ("party:meeting", meeting.pk),
        page=_meeting,
    )


# --- compliance ----------------------------------------------------------------------------------

compliance_page = pages.requires(lambda user: bool(selectors.led_orgs(user).exists()))


@compliance_page
@require_GET
def compliance_view(request):
    user = request.user
    led = list(selectors.led_orgs(user).order_by("path"))
    org = selectors.org_get(user, request.GET["org"]) if request.GET.get("org") else led[0]
    if not services.manages(user, org):
        raise NotFound()
    today = timezone.localdate()
    year = parse_int(request.GET.get("year"), default=today.year, minimum=2000, maximum=today.year)
    short = request.GET.get("short") == "1"
    rows = compliance.short_orgs(org, year, today) if short else compliance.subtree_orgs(org)
    page = page_of(request, rows.select_related("parent").order_by("path"))
    cells = compliance.cells_of(list(page.object_list), year, today)
    types = [t for level in compliance.types_by_level().values() for t in level]
    for row in page.object_list:
        held = {cell.meeting_type.pk: cell for cell in cells[row.pk]}
        row.columns = [held.get(meeting_type.pk) for meeting_type in types]
    return render(
        request,
        "party/compliance.html",
        {
            "org": org,
            "led": led,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "short": short,
            "page": page,
            "query": pages.query_string(org=org.pk, year=year, short="1" if short else ""),
            "types": types,
            "summary": compliance.summary(org, year, today),
            "below": compliance.below(org, year, today),
        },
    )


@org_page
@require_GET
def record_book(request, org):
    """The year's record book (PDF) of a branch or group, for its committees; audited."""
    if not (org.holds_meetings and services.manages(request.user, org)):
        raise NotFound()
    today = timezone.localdate()
    year = parse_int(request.GET.get("year"), default=today.year, minimum=2000, maximum=today.year)
    audit_pii_read(actor=request.user, target=org, field=f"record_book:{year}")
    response = HttpResponse(record_book_pdf(org, year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-{org.pk}-{year}.pdf"'
    return response


# --- online study --------------------------------------------------------------------------


@party_page
@require_GET
def study_list(request):
    user = request.user
    membership = selectors.own_membership(user)
    mine = []
    if membership is not None:
        done = set(
            StudyRecord.objects.filter(person=membership.person_id).values_list(
                "material_id", flat=True
            )
        )
        mine = list(study.materials_for(membership)[:50])
        for material in mine:
            material.done = material.pk in done
    published = StudyMaterial.objects.filter(committee_q(user, "org_path")).select_related("org")[
        :50
    ]
    return render(
        request,
        "party/study_list.html",
        {"mine": mine, "published": published, "membership": membership},
    )


def _material(request, material, *, status=200):
    user = request.user
    manages = services.manages(user, material.org)
    membership = selectors.own_membership(user)
    context = {
        "material": material,
        "manages": manages,
        "studied": membership is not None
        and StudyRecord.objects.filter(material=material, person=membership.person_id).exists(),
        "may_study": membership is not None
        and material.org_path in study.prefixes(membership.org_path),
    }
    if manages:
        within = next((p for p in committee_paths(user) if p.startswith(material.org_path)), None)
        context["completion"] = study.completion(material, within=within)
        context["page"] = page_of(request, study.not_yet(material))
    return render(request, "party/study_material.html", context, status=status)


material_page = pages.scoped_object(study.material_get, page_ability=selectors.sees_party)


@material_page
@require_GET
def study_material(request, material):
    return _material(request, material)


@material_page
@require_POST
def study_done(request, material):
    study.studied(actor=request.user, material=material)
    messages.success(request, _("Recorded as studied."))
    return redirect("party:study_material", material.pk)


@org_page
@require_POST
def study_publish(request, org):
    post = request.POST
    return _written(
        request,
        org,
        "study",
        lambda: study.material_publish(
            actor=request.user,
            org=org,
            title=post.get("title"),
            url=post.get("url", ""),
            text=post.get("text", ""),
            required=post.get("required") == "1",
        ),
        _("Published to the members."),
        lambda material: ("party:study_material", material.pk),
    )
