"""Every write of the electronic documents (电子证明) an approved application issues.

    issue (the body that decided: what it may be used for and until when) → [revoke, with the
    reason (the same body or the district's administrators)] → [issue again]

The document's content is fixed at issue and hashed (`models.content_hash`); the applicant is
told of the issue and of a revocation.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.catalogue.models import Certificate
from meihao.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.scoping import covers
from meihao.egov.holders import DISTRICT_HOLDERS, holds_stage
from meihao.egov.models import Application, Body, Decision, IssuedDocument, content_hash
from meihao.egov.notifications import tell_applicant

PURPOSE_MAX = IssuedDocument._meta.get_field("purpose").max_length
REVOKE_REASON_MAX = IssuedDocument._meta.get_field("revoke_reason").max_length
VALID_DAYS_DEFAULT = 90
VALID_DAYS_MAX = 365


def _title(application: Application) -> str:
    certificate = application.item.certificate
    if certificate and certificate != Certificate.OTHER:
        return str(Certificate(certificate).label)
    return _("Certificate of approval: %(item)s") % {"item": application.item.name}


def _issuer(application: Application) -> str:
    """The body that decided: the department, or the street or community holding the last stage
    (an application's home is a community, under its street)."""
    if application.stage_body == Body.DEPARTMENT:
        return application.department.name
    if application.stage_body == Body.STREET:
        return application.home.parent.name
    return application.home.name


def _content(application: Application, *, serial: str, purpose: str, valid_from, valid_until):
    person = application.applicant
    return {
        "serial": serial,
        "title": _title(application),
        "holder": person.real_name,
        "id_number": person.id_number_masked,
        "item": application.item.name,
        "application": application.case.number,
        "decided_on": timezone.localtime(application.decided_at).date().isoformat(),
        "issuer": _issuer(application),
        "purpose": purpose,
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        # Not printed: with it, the public hash cannot be tried against guessed names.
        "salt": secrets.token_hex(8),
    }


def _valid_days(value) -> int:
    text = str(value if value is not None else VALID_DAYS_DEFAULT).strip()
    if not text.isdigit() or not 1 <= int(text) <= VALID_DAYS_MAX:
        raise ValidationFailed(
            gettext_lazy("The validity is a whole number of days from 1 to %(most)s.")
            % {"most": VALID_DAYS_MAX},
            code="valid_days",
            field="valid_days",
        )
    return int(text)


@transaction.atomic
def document_issue(
    *, actor, application: Application, purpose: str, valid_days=VALID_DAYS_DEFAULT
) -> IssuedDocument:
    """The body that approved the application issues its document, valid from today for
    `valid_days` days, for `purpose` only (printed in the watermark)."""
    # The row lock serialises two clicks on 出具: the second finds the first's document in force.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not holds_stage(application, actor):
        raise PermissionDenied(_("Only the body that decided the application issues documents."))
    if application.decision != Decision.APPROVED:
        raise IllegalTransition(_("Only an approved application issues a document."))
    if application.documents.filter(revoked_at__isnull=True).exists():
        raise IllegalTransition(
            _("This application has a document in force. Revoke it before issuing another.")
        )
    purpose = clean_text(
        purpose,
        field="purpose",
        required=_("Say what the document may be used for."),
        max_length=PURPOSE_MAX,
    )
    days = _valid_days(valid_days)
    ordinal = application.documents.count() + 1
    serial = f"{application.case.number}-{ordinal:02d}"
    valid_from = timezone.localdate()
    valid_until = valid_from + timedelta(days=days - 1)
    content = _content(
        application, serial=serial, purpose=purpose, valid_from=valid_from, valid_until=valid_until
    )
    document = IssuedDocument.objects.create(
        application=application,
        ordinal=ordinal,
        serial=serial,
        token=secrets.token_urlsafe(16),
        content=content,
        content_hash=content_hash(content),
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=actor,
        issued_at=timezone.now(),
    )
    tell_applicant(
        application,
        f"document-{ordinal}",
        gettext_lazy("Your document is ready: {{ item }}"),
        gettext_lazy(
            "Document {{ serial }} for application {{ number }} is issued, valid until "
            "{{ valid_until }}. Download it from the application's page."
        ),
        extra={"serial": serial, "valid_until": content["valid_until"]},
    )
    return document


def may_revoke(document: IssuedDocument, user) -> bool:
    application = document.application
    return holds_stage(application, user) or covers(user, application.home_path, DISTRICT_HOLDERS)


@transaction.atomic
def document_revoke(*, actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke a document with the reason: the verify page says it is revoked from now on."""
    document = (
        IssuedDocument.objects.select_for_update()
        .select_related("application__case", "application__item", "application__applicant")
        .get(pk=document.pk)
    )
    if not may_revoke(document, actor):
        raise PermissionDenied(_("Only the body that issued the document may revoke it."))
    if document.revoked_at is not None:
        raise IllegalTransition(_("This document is already revoked."))
    reason = clean_text(
        reason,
        field="reason",
        required=_("Give the reason for revoking."),
        max_length=REVOKE_REASON_MAX,
    )
    document.revoked_at, document.revoked_by, document.revoke_reason = (
        timezone.now(),
        actor,
        reason,
    )
    document.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    tell_applicant(
        document.application,
        f"document-{document.ordinal}-revoked",
        gettext_lazy("Your document was revoked: {{ item }}"),
        gettext_lazy("Document {{ serial }} was revoked and is no longer valid: {{ reason }}"),
        extra={"serial": document.serial, "reason": reason},
    )
    return document
