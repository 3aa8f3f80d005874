"""The service catalogue (办事指南): the government services a district offers its residents,
each described as a real guide describes it, versioned on every edit.

An item belongs to the catalogue of one district (`place`), names its competent department and
the body that implements it, and carries a code in the shape of GB/T 39554 (the implementing
body's unified social credit code + a two-digit item-type code + a serial). Residents find items
by department, life event, "can be done online" and by text, pinyin or pinyin initials through
`SearchKey` rows, ranked by what their community uses (`ItemUse`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meihao.core.models import AppendOnlyModel, TimeStampedModel

NAME_MAX = 60
TEXT_MAX = 4000
SHORT_TEXT_MAX = 300
ALIASES_MAX = 100
CREDIT_CODE_LENGTH = 18
SERIAL_DIGITS = 5


class ItemType(models.TextChoices):
    """The kinds of item of the national catalogue, with their two-digit type codes."""

    LICENSING = "01", _("Administrative licensing")
    BENEFIT = "05", _("Administrative benefit")
    CONFIRMATION = "07", _("Administrative confirmation")
    OTHER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")


class ItemLevel(models.TextChoices):
    """Where the item is implemented: the district's departments, the streets, the communities."""

    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class LifeEvent(models.TextChoices):
    BIRTH = "birth", _("Having a baby")
    SCHOOLING = "schooling", _("Starting school")
    EMPLOYMENT = "employment", _("Work and starting a business")
    MARRIAGE = "marriage", _("Marriage")
    HOUSING = "housing", _("Housing")
    RESIDENCE = "residence", _("Household registration and residence")
    MEDICAL = "medical", _("Medical care")
    DISABILITY = "disability", _("Disability services")
    ASSISTANCE = "assistance", _("Social assistance")
    RETIREMENT = "retirement", _("Retirement")
    ELDERLY = "elderly", _("Old age")
    LEGAL = "legal", _("Legal services")
    DEATH = "death", _("After a death")


class Certificate(models.TextChoices):
    """Certificates (证明) an item may issue. All but OTHER are the twenty that 民发〔2020〕20号
    says residents' and villagers' committees must not issue; settings name which of them a
    community may never issue (all twenty by default)."""

    KINSHIP = "kinship", _("Proof of kinship")
    IDENTITY = "identity", _("Proof of identity information (household registration)")
    HUKOU_CHANGE = "hukou_change", _("Proof for changing household registration entries")
    DOG = "dog", _("Proof for keeping a dog")
    NO_CRIMINAL = "no_criminal", _("Certificate of no criminal record")
    REHAB = "rehab", _("Proof about community drug rehabilitation")
    MISSING = "missing", _("Proof of a missing person")
    MARITAL = "marital", _("Proof of marital status")
    BIRTH = "birth", _("Proof of birth")
    ALIVE = "alive", _("Proof of being alive")
    DEATH = "death", _("Proof of death")
    ILLNESS = "illness", _("Proof of illness")
    DISABILITY = "disability", _("Proof of disability")
    CHILDBIRTH = "childbirth", _("Proof of marriage and childbirth status")
    EMPLOYMENT = "employment", _("Proof of employment status")
    ARCHIVE = "archive", _("Proof from personal archives")
    PROPERTY = "property", _("Proof of property or income")
    INHERITANCE = "inheritance", _("Proof of the right to inherit")
    BUSINESS_ADDRESS = "business_address", _("Proof of a business's address")
    LOST = "lost", _("Proof of a lost document")
    OTHER = "other", _("Another certificate")


class HeldData(models.TextChoices):
    """Data the platform already holds about a resident, so the material can be waived."""

    ID_CARD = "id_card", _("ID card")
    HUKOU = "hukou", _("Household registration")
    RESIDENCE = "residence", _("Home address")
    PHOTO = "photo", _("ID photo")


class ServiceItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_active=True)

    def of_district(self, path: str):
        return self.filter(place_path=path)


class ServiceItem(TimeStampedModel):
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("catalogue of"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    place_path = models.CharField(max_length=80, editable=False, db_index=True)
    code = models.CharField(_("item code"), max_length=32, unique=True, editable=False)
    issuer_code = models.CharField(
        _("implementing body's unified social credit code"), max_length=CREDIT_CODE_LENGTH
    )
    serial = models.PositiveIntegerField(_("serial"), editable=False)
    # The poster's QR code and printed short link: /s/<short>/.
    short = models.CharField(max_length=8, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The names residents use (低保, 医保): found by search like the name itself.
    aliases = models.CharField(_("common names"), max_length=ALIASES_MAX, blank=True)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("competent department"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    implementing_body = models.CharField(_("implementing body"), max_length=100)
    form_schema = models.JSONField(_("application form fields"), default=dict, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=ItemLevel.choices)
    community_assists = models.BooleanField(_("the community assists with intake"), default=False)
    # Who takes an application in, checks, reviews and decides, in order (catalogue.routes).
    route = models.CharField(
        _("where applications go"), max_length=100, default="department:decide"
    )
    certificate = models.CharField(
        _("certificate issued"), max_length=20, choices=Certificate.choices, blank=True
    )
    legal_basis = models.TextField(_("legal basis"), max_length=TEXT_MAX)
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    conditions = models.TextField(_("conditions"), max_length=TEXT_MAX)
    steps = models.TextField(_("steps"), max_length=TEXT_MAX, help_text=_("One step per line."))
    fees = models.CharField(_("fees"), max_length=SHORT_TEXT_MAX)
    place_hours = models.TextField(_("where and when"), max_length=SHORT_TEXT_MAX * 2)
    phone = models.CharField(_("consultation phone"), max_length=20)
    complaint = models.CharField(_("complaint channel"), max_length=SHORT_TEXT_MAX)
    faq = models.TextField(
        _("frequently asked questions"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("A question on one line, its answer on the next, a blank line between pairs."),
    )
    visits = models.PositiveSmallIntegerField(_("visits to a counter"), default=1)
    online = models.BooleanField(_("can be done online"), default=False)
    is_active = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [
            models.Index(fields=["place_path", "is_active", "name"], name="item_catalogue_idx"),
            models.Index(fields=["place_path", "online"], name="item_online_idx"),
            models.Index(fields=["department", "is_active"], name="item_department_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="item_name_unique"),
            models.UniqueConstraint(
                fields=["issuer_code", "item_type", "serial"], name="item_serial_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="item_promise_within_statute",
            ),
            models.CheckConstraint(
                condition=models.Q(online=False) | models.Q(visits=0),
                name="item_online_needs_no_visit",
            ),
        ]

    def __str__(self):
        return self.name

    def steps_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    def faq_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for block in self.faq.replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            if lines:
                pairs.append((lines[0], " ".join(lines[1:])))
        return pairs

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]


class Material(models.Model):
    """A material the applicant provides (申请材料)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("material"), max_length=NAME_MAX * 2)
    form = models.CharField(_("form and copies"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Waived when the platform already holds it (and the resident consents to its reuse).
    held = models.CharField(
        _("held by the platform"), max_length=12, choices=HeldData.choices, blank=True
    )
    # The guide offers a blank form to print and fill in (catalogue.blank_forms).
    has_form = models.BooleanField(_("blank form"), default=False)

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name

    @property
    def optional(self) -> bool:
        """Needed only where it applies: guides mark such a material “（如有）” (if any)."""
        return "如有" in self.name


class ItemLifeEvent(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="life_events")
    event = models.CharField(_("life event"), max_length=16, choices=LifeEvent.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "event"], name="item_life_event_unique")
        ]
        indexes = [models.Index(fields=["event", "item"], name="item_life_event_idx")]

    def __str__(self):
        return self.get_event_display()


class ServiceItemVersion(AppendOnlyModel):
    """The guide as it read after one edit: an application keeps the version it was made under."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    guide = models.JSONField(_("guide"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")
        ]

    def __str__(self):
        return f"{self.item} v{self.number}"


class SearchKey(models.Model):
    """One way to type an item: a suffix of its name or a common name, in characters, in pinyin
    or in pinyin initials. A search is one indexed range scan over the district's keys (a prefix
    match on a suffix is a substring match), so it stays fast on a city's catalogue."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="search_keys")
    # The item's catalogue (district), so that a search scans its own district's keys only.
    place_path = models.CharField(max_length=80)
    key = models.CharField(max_length=120)
    # The key is the start of the name or of a common name, not a suffix inside it.
    starts_term = models.BooleanField(default=False)

    class Meta:
        # varchar_pattern_ops: PostgreSQL answers LIKE 'db%' from it whatever its collation.
        indexes = [
            models.Index(
                fields=["place_path", "key"],
                name="search_key_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="search_key_unique")]

    def __str__(self):
        return self.key


class ItemUse(models.Model):
    """How often the residents of one community opened an item's guide or applied for it."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="uses")
    community = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "item"], name="item_use_unique")
        ]

    def __str__(self):
        return f"{self.item} · {self.count}"
