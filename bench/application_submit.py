"""Applying online vs a bare Django view inserting the same rows.

Measured: POST /applications/apply/<code>/ as a logged-in resident, multipart with one small PDF
per material the guide needs (the ID card and household registration waived with consent): the
form view, egov.services.application_file (the applicant, the materials' checks, the PDF check,
case_submit with its numbering, SLA deadlines, timeline event and audit entry, the application,
the attachments stored, the worker's follow-up recorded: the messages and the item's use count)
and the redirect — against a bare view that parses the same upload and inserts the
same case, application and attachment rows with `objects.create` and stores the same files (no
checks, numbering, SLA, event, audit or message). Both through Django's test Client in one
process on one database, interleaved; first on SQLite, then on a scratch PostgreSQL database
(BENCH_PG_URL; `--sqlite-only` skips it).

Ratio = bare time / real time (the real submission's share of the bare insert's speed); goal
>= 0.5, as the grid case's API reaches (bench.case_api).
"""

import sys

from bench._django import (
    catalogue_item,
    command_line,
    each,
    interleaved,
    ratio_against_goal,
    rounds,
    run_on_sqlite_and_postgresql,
    setup_django,
)

REQUESTS = 150
GOAL = 0.5
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM = "居住证明"


def bare_urls(item, person, home):
    """A URLconf: the project's URLs plus the bare insert view at /bench/bare-apply."""
    import secrets

    from django.core.files.base import ContentFile
    from django.http import HttpResponseRedirect
    from django.urls import path
    from django.utils import timezone

    from meihao.cases.models import Case, CaseType
    from meihao.egov.models import Application, Attachment
    from meihao.urls import urlpatterns

    state = {"n": 0}
    case_type = CaseType.objects.get(code="EGOV")
    guide = item.versions.order_by("-number").first()
    materials = {m.pk: m for m in item.materials.all()}

    def bare_apply(request):
        state["n"] += 1
        now = timezone.now()
        case = Case.objects.create(
            number=f"BARE{state['n']:010d}",
            case_type=case_type,
            description=item.name,
            place=person.home_place,
            place_path=person.home_place_path,
            reporter=person,
            submitted_by=request.user,
            channel="resident",
            created_at=now,
            updated_at=now,
            response_started_at=now,
        )
        application = Application.objects.create(
            case=case,
            item=item,
            guide=guide,
            applicant=person,
            filed_by=request.user,
            home=home,
            home_path=home.path,
            department=item.department,
            route=item.route,
            stage_body="community",
        )
        for key in request.FILES:
            material = materials[int(key.removeprefix("material-"))]
            for upload in request.FILES.getlist(key):
                attachment = Attachment(
                    application=application,
                    material=material,
                    material_name=material.name,
                    content_type="application/pdf",
                    size=upload.size,
                    uploaded_by=request.user,
                )
                attachment.file.save(
                    f"{secrets.token_hex(16)}.pdf", ContentFile(upload.read()), save=False
                )
                attachment.save()
        return HttpResponseRedirect(f"/applications/{case.number}/")

    return [*urlpatterns, path("bench/bare-apply", bare_apply)]


def worker() -> dict:
    setup_django()
    import types

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client, override_settings

    from meihao.core.testing import build_personas
    from meihao.places.models import community_of

    personas = build_personas()
    item = catalogue_item(personas, ITEM)
    person = personas.resident_a.person
    urls = types.ModuleType("bench_bare_apply_urls")
    urls.urlpatterns = bare_urls(item, person, community_of(person.home_place))
    sys.modules["bench_bare_apply_urls"] = urls
    needed = [m.pk for m in item.materials.all() if not m.held and not m.optional]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(personas.resident_a)

    def form() -> dict:
        # The item's own fields (the demo catalogue's 居住证明 asks the address and tenure).
        data = {"consent": "on", "answer-address": "骑楼街12号", "answer-tenure": "租住"}
        for pk in needed:
            data[f"material-{pk}"] = SimpleUploadedFile("材料.pdf", PDF, "application/pdf")
        return data

    def real():
        response = client.post(f"/applications/apply/{item.code}/", form())
        assert response.status_code == 302, response.content[:500]

    def bare():
        response = client.post("/bench/bare-apply", form())
        assert response.status_code == 302, response.content[:500]

    with override_settings(ROOT_URLCONF="bench_bare_apply_urls"):
        times, queries = interleaved(
            {"real": real, "bare": bare}, rounds=rounds(REQUESTS), warm_up=10
        )
    return {
        "real": sum(times["real"]),
        "bare": sum(times["bare"]),
        "requests": rounds(REQUESTS),
        "files": len(needed),
        "queries": queries,
        "vendor": connection.vendor,
    }


def report(result: dict) -> bool:
    vendor = result["vendor"]
    n = result["requests"]
    print(
        f"[{vendor}] POST /applications/apply/ ({result['files']} PDFs): {n} applications, "
        f"{each(result, 'real')}"
    )
    print(f"[{vendor}] baseline bare view, same rows and files: {each(result, 'bare')}")
    return ratio_against_goal(vendor, "bare / real", result["bare"] / result["real"], GOAL)


def run(sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql("bench.application_submit", report, sqlite_only=sqlite_only)


if __name__ == "__main__":
    command_line(worker, run)
