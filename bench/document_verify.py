"""The public verify page of an electronic document vs a static file served by the same server.

Measured: GET /d/<token>/?h=<content hash>, what a phone opens from a document's QR code, as an
anonymous visitor: the whole middleware stack, the `document_check` rate limit (raised by
bench._django, its check still runs), egov.selectors.document_verify (the row by its token, the
content re-hashed) and the page rendered in the site's base template — against the page's own
stylesheet (web/meihao.css under its hashed name) from the same process, which WhiteNoise answers
from the collected static files before the rest of the stack. Static files are collected with
the production storage first (manifest, compressed), as the server does at deploy. Both through
Django's test Client in one process on one database, interleaved, after warm-ups; the selector
alone is timed too, to show how much of the page is the database. SQLite, then a scratch
PostgreSQL database (BENCH_PG_URL; `--sqlite-only` skips it).

Ratio = page / static file, at p50 and p95. No goal: the figure is recorded in RESULTS.md.

    python -m bench.document_verify [--sqlite-only]
"""

from bench._django import (
    catalogue_item,
    command_line,
    interleaved,
    measure,
    p50_p95,
    p50_p95_ms,
    p50_p95_ratio,
    rounds,
    run_on_sqlite_and_postgresql,
    setup_django,
)

REQUESTS = 300
WARM_UP = 20
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM = "婚育情况证明"  # decided by the department alone: the shortest way to an approval
STYLESHEET = "web/meihao.css"


def issued_document():
    """A document the department issued for a resident's approved 婚育情况证明."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meihao.cases.models import Case
    from meihao.core.testing import build_personas
    from meihao.egov import documents, services

    personas = build_personas()
    item = catalogue_item(personas, ITEM)
    files = {
        m.pk: [SimpleUploadedFile("材料.pdf", PDF, "application/pdf")]
        for m in item.materials.all()
        if not m.held and not m.optional
    }
    application = services.application_file(
        actor=personas.resident_a,
        item=item,
        files=files,
        consent=True,
        answers={"children": 1},  # the item's own question (the demo catalogue's form)
    )
    staff = personas.department_staff
    services.application_take_in(actor=staff, case=Case.objects.get(pk=application.case_id))
    services.application_decide(
        actor=staff, case=Case.objects.get(pk=application.case_id), approve=True
    )
    application.refresh_from_db()
    return documents.document_issue(
        actor=staff, application=application, purpose="办理生育登记", valid_days=90
    )


def worker() -> dict:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.templatetags.static import static
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from meihao.egov.selectors import document_verify

    # Before the client's first request: WhiteNoise lists the collected files when it starts.
    call_command("collectstatic", "--no-input", verbosity=0)
    document = issued_document()
    page_url = f"{reverse('document', args=[document.token])}?h={document.content_hash}"
    static_url = static(STYLESHEET)
    client = Client(HTTP_HOST="127.0.0.1")
    sizes = {}

    def page():
        response = client.get(page_url)
        assert response.status_code == 200, response.content[:500]
        assert b'data-standing="valid"' in response.content
        sizes["page"] = len(response.content)

    def static_file():
        response = client.get(static_url)
        assert response.status_code == 200 and response.streaming, response
        # A server sends the file's bytes too; the test client would otherwise leave them unread.
        sizes["static"] = len(b"".join(response.streaming_content))

    times, queries = interleaved(
        {"page": page, "static": static_file}, rounds=rounds(REQUESTS), warm_up=WARM_UP
    )
    today = timezone.localdate()
    selector = measure(lambda: document_verify(document.token, document.content_hash, today), 100)
    return {
        "vendor": connection.vendor,
        "requests": rounds(REQUESTS),
        "static_url": static_url,
        "sizes": sizes,
        "queries": queries,
        **p50_p95("page", times["page"]),
        **p50_p95("static", times["static"]),
        **p50_p95("selector", selector),
    }


def report(r: dict) -> bool:
    vendor = r["vendor"]
    print(
        f"[{vendor}] GET /d/<token>/ ({r['sizes']['page']:,} bytes, {r['queries']['page']} "
        f"queries): {r['requests']} requests, {p50_p95_ms(r, 'page')}; "
        f"selector alone {p50_p95_ms(r, 'selector')}"
    )
    print(
        f"[{vendor}] baseline {r['static_url']} ({r['sizes']['static']:,} bytes, "
        f"{r['queries']['static']} queries), same server: {p50_p95_ms(r, 'static')}"
    )
    print(f"[{vendor}] ratio page / static file: {p50_p95_ratio(r, 'page', 'static')} (no goal)")
    return True


def run(sqlite_only: bool = False) -> bool:
    return run_on_sqlite_and_postgresql("bench.document_verify", report, sqlite_only=sqlite_only)


if __name__ == "__main__":
    command_line(worker, run)
