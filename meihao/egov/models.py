"""Online applications (网上办事): a resident applies for an item of the service catalogue, and
the application goes, stage by stage, to the body that is legally competent to decide it.

An application is a case of type EGOV (cases.extensions: filed only here, its holders decided
here). `Application` holds what the case does not: the item and the guide version it was made
under, the applicant and who filed it (the applicant, or counter staff on their behalf: 代办),
the consent to reuse data the platform holds, the route and the stage it is at, the supplement
requested (补正, once) and the decision. `Attachment` is one uploaded material.
`IssuedDocument` is the electronic document (电子证明) an approved application issues: anyone
holding it checks it on a public page through the QR code printed on it.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.cases.states import Status
from meihao.catalogue.routes import COMMUNITY, DEPARTMENT, STREET, stages

EGOV_CODE = "EGOV"
# Visits to a service counter that ended there (egov.services.counter_visit_record).
COUNTER_CODE = "COUNTER"
# Where the applicant may still withdraw (撤回): anywhere before the decision.
WITHDRAWABLE = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.PARKED, Status.DISPATCHED, Status.IN_PROGRESS}
)


class Body(models.TextChoices):
    COMMUNITY = COMMUNITY, _("Community")
    STREET = STREET, _("Street")
    DEPARTMENT = DEPARTMENT, _("Department")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Application(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="application"
    )
    # The answers to the item's own form fields (its guide's form_schema), checked at filing.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    item = models.ForeignKey(
        "catalogue.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    guide = models.ForeignKey(
        "catalogue.ServiceItemVersion",
        verbose_name=_("guide version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        "people.Person",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="applications_filed",
    )
    at_counter = models.BooleanField(_("filed at the counter"), default=False)
    # When the applicant agreed that the platform's own records of them (ID card, household
    # registration, address, photo) stand in for the materials they would otherwise upload.
    consent_at = models.DateTimeField(_("consent to reuse held data"), null=True, blank=True)
    # The applicant's community (household registration): community and street stages are
    # held by the officials covering it.
    home = models.ForeignKey(
        "places.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    home_path = models.CharField(max_length=80, editable=False)
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("competent department"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    route = models.CharField(_("route"), max_length=120)
    stage = models.PositiveSmallIntegerField(_("stage"), default=0)
    stage_body = models.CharField(_("held by"), max_length=12, choices=Body.choices)
    via_community = models.BooleanField(default=False, editable=False)
    via_street = models.BooleanField(default=False, editable=False)
    # While the application is in a public-notice stage (公示): until when the notice runs.
    publicity_from = models.DateTimeField(_("public notice from"), null=True, blank=True)
    publicity_until = models.DateTimeField(_("public notice until"), null=True, blank=True)
    supplement_asked = models.TextField(_("materials missing"), blank=True)
    supplement_asked_at = models.DateTimeField(null=True, blank=True)
    # The office asked for something the guide does not list: the guide was not accurate.
    supplement_beyond_guide = models.BooleanField(
        _("asked for a material the guide does not list"), default=False
    )
    supplemented_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(
                fields=["home_path"], name="egov_app_home_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["department", "stage_body"], name="egov_app_department_idx"),
            models.Index(fields=["applicant", "created_at"], name="egov_app_applicant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="egov_app_decision_dated",
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.item_id}"

    @property
    def stages(self) -> list[tuple[str, str]]:
        return stages(self.route)

    @property
    def duty(self) -> str:
        return self.stages[self.stage][1]

    @property
    def is_last_stage(self) -> bool:
        return self.stage == len(self.stages) - 1

    @property
    def may_ask_supplement(self) -> bool:
        return self.supplement_asked_at is None


def _attachment_path(instance, filename):
    # Unguessable names, one folder per month; served only through the application's page.
    return timezone.now().strftime("egov/%Y/%m/") + filename


class Attachment(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    material = models.ForeignKey(
        "catalogue.Material",
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material_name = models.CharField(_("material"), max_length=120)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    supplement = models.BooleanField(_("handed in as a supplement"), default=False)

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.material_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


def content_hash(content: dict) -> str:
    """SHA-256 of what a document says, in a canonical form (sorted keys, no spaces, UTF-8): the
    hash printed on the document and carried by its QR code, which the verify page recomputes."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IssuedDocument(models.Model):
    """An electronic document (电子证明) issued on an approved application.

    `content` is everything the document states, as printed (the holder's name in full, the ID
    number masked); `content_hash` its hash at issue. The PDF is drawn from `content` whenever it
    is downloaded, so what is printed and what is checked cannot drift apart. Revoking keeps the
    row: the verify page then says the document was revoked. An application has at most one
    unrevoked document; a revoked one can be replaced by a new one (the next `ordinal`).
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    ordinal = models.PositiveSmallIntegerField(default=1)
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    token = models.CharField(max_length=32, unique=True, editable=False)
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    purpose = models.CharField(_("may be used for"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("time revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        ordering = ["application", "ordinal"]
        verbose_name = _("electronic document")
        verbose_name_plural = _("electronic documents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "ordinal"], name="egov_document_ordinal_unique"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(revoked_at__isnull=True),
                name="egov_document_one_in_force",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="egov_document_validity"
            ),
        ]

    def __str__(self):
        return self.serial

    def standing(self, today) -> str:
        """revoked, expired, not_yet or valid, on `today` (a local date)."""
        if self.revoked_at is not None:
            return "revoked"
        if today > self.valid_until:
            return "expired"
        if today < self.valid_from:
            return "not_yet"
        return "valid"
