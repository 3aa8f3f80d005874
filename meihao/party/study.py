"""线上学习: lecture recordings and readings an organisation gives the members of its subtree, and
who has studied what. A member sees what their branch and the organisations above it gave; the
committees see who has studied their materials."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text, parse_id
from meihao.core.scoping import starts_with
from meihao.party.models import NAME_MAX, PartyMember, PartyOrg, StudyMaterial, StudyRecord
from meihao.party.services import manages

TEXT_MAX = 20000


def prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def materials_for(member: PartyMember):
    """What the member's branch and every organisation above it gave, newest first."""
    return StudyMaterial.objects.filter(org_path__in=prefixes(member.org_path)).select_related(
        "org"
    )


def material_get(user, pk) -> StudyMaterial:
    """A material the user may open: given to their branch or above, or under their committee."""
    material = StudyMaterial.objects.filter(pk=parse_id(pk)).select_related("org").first()
    if material is None:
        raise NotFound()
    member = PartyMember.objects.filter(person__user=user).first()
    given_to_them = member is not None and material.org_path in prefixes(member.org_path)
    if not (given_to_them or manages(user, material.org)):
        raise NotFound()
    return material


def material_publish(
    *, actor, org: PartyOrg, title, url="", text="", required=True
) -> StudyMaterial:
    if not manages(actor, org):
        raise NotFound()
    title = clean_text(
        title, field="title", required=_("Give the material a title."), max_length=NAME_MAX * 2
    )
    url = clean_text(url, field="url", max_length=200)
    text = clean_text(text, field="text", max_length=TEXT_MAX)
    if url and not url.startswith(("https://", "http://")):
        raise ValidationFailed(_("The link must be a web address (https://…)."), field="url")
    if not (url or text):
        raise ValidationFailed(_("Give the recording's link or the text to study."), field="url")
    with transaction.atomic():
        material = StudyMaterial.objects.create(
            org=org,
            org_path=org.path,
            title=title,
            url=url,
            text=text,
            required=bool(required),
            published_on=timezone.localdate(),
            created_by=actor,
        )
        audit_change(actor=actor, action="party.study_publish", target=material)
    return material


def studied(*, actor, material: StudyMaterial) -> StudyRecord:
    """The member says they have studied it (once: the first time stands)."""
    member = PartyMember.objects.filter(person__user=actor).select_related("person").first()
    if member is None or material.org_path not in prefixes(member.org_path):
        raise NotFound()
    existing = StudyRecord.objects.filter(material=material, person=member.person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return StudyRecord.objects.create(material=material, person=member.person)
    except IntegrityError:  # a double tap
        return StudyRecord.objects.get(material=material, person=member.person)


def audience(material: StudyMaterial):
    return PartyMember.objects.filter(starts_with("org_path", material.org_path))


def completion(material: StudyMaterial, *, within: str | None = None) -> dict:
    """How many of the members it reaches (those under `within`, a committee's path) studied."""
    members = audience(material)
    if within and within.startswith(material.org_path):
        members = members.filter(starts_with("org_path", within))
    studied_ids = StudyRecord.objects.filter(material=material).values("person_id")
    return members.aggregate(
        total=Count("pk"), studied=Count("pk", filter=Q(person_id__in=studied_ids))
    )


def not_yet(material: StudyMaterial):
    studied_ids = StudyRecord.objects.filter(material=material).values("person_id")
    return (
        audience(material)
        .exclude(person_id__in=studied_ids)
        .select_related("person", "branch")
        .order_by("org_path", "person__real_name")
    )
