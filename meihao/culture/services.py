"""Writes of cultural life: an event's partner units (by its organisers) and the showcases (by
the officials of the place)."""

from django.db import transaction
from django.utils.translation import gettext as _

from meihao.activities.models import Activity
from meihao.activities.services import may_organise
from meihao.core.audit import audit_change
from meihao.core.errors import NotFound, ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.photos import photo_remove, photos_add
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.culture.models import CULTURE_KINDS, Partner, Showcase, ShowcasePhoto
from meihao.people.models import Organisation
from meihao.places.models import Place

MAX_PARTNERS = 10


def partners_set(*, actor, activity: Activity, organisation_ids) -> list[Partner]:
    """The partner units of a cultural event, as its organisers list them."""
    if activity.kind not in CULTURE_KINDS or not may_organise(actor, activity):
        raise NotFound()
    wanted = list(dict.fromkeys(organisation_ids))
    if len(wanted) > MAX_PARTNERS:
        raise ValidationFailed(
            _("List at most %(n)s partner units.") % {"n": MAX_PARTNERS}, field="partners"
        )
    organisations = list(Organisation.objects.filter(pk__in=wanted))
    if len(organisations) != len(wanted):
        raise ValidationFailed(_("Choose partner units from the list."), field="partners")
    with transaction.atomic():
        Partner.objects.filter(activity=activity).exclude(organisation__in=organisations).delete()
        for organisation in organisations:
            Partner.objects.get_or_create(activity=activity, organisation=organisation)
        audit_change(
            actor=actor,
            action="culture.partners",
            target=activity,
            changes={"partners": [None, [o.name for o in organisations]]},
        )
    return list(activity.partners.select_related("organisation"))


def showcase_create(
    *,
    actor,
    category,
    title,
    write_up,
    place: Place | None = None,
    activity=None,
    photos=(),
    caption="",
) -> Showcase:
    """A showcase (精品) in one of the three categories, of an activity held or of a recurring
    programme in a place, with its `photos` if any (a refused photo refuses it all); published
    at once on the public page."""
    if category not in Showcase.Category.values:
        raise ValidationFailed(_("Choose a category."), field="category")
    if activity is not None:
        if activity.kind not in CULTURE_KINDS or activity.status == Activity.Status.DRAFT:
            raise ValidationFailed(_("Choose a cultural event that took place."), field="activity")
        place = activity.place
    if place is None or not covers(actor, place.path, OFFICIALS):
        raise ValidationFailed(_("Choose a place inside your area."), field="place")
    title = clean_text(title, field="title", required=_("Give it a title."), max_length=80)
    write_up = clean_text(
        write_up, field="write_up", required=_("Write a few lines about it."), max_length=1000
    )
    if activity is not None and Showcase.objects.filter(activity=activity).exists():
        raise ValidationFailed(_("This event is a showcase already."), field="activity")
    with transaction.atomic():
        showcase = Showcase.objects.create(
            category=category,
            title=title,
            write_up=write_up,
            activity=activity,
            place=place,
            place_path=place.path,
            created_by=actor,
        )
        audit_change(actor=actor, action="culture.showcase", target=showcase)
        if photos:
            _photos_add(actor, showcase, photos, caption)
    return showcase


def showcase_withdraw(*, actor, showcase: Showcase) -> Showcase:
    if not covers(actor, showcase.place_path, OFFICIALS):
        raise NotFound()
    with transaction.atomic():
        Showcase.objects.filter(pk=showcase.pk).update(published=False)
        audit_change(actor=actor, action="culture.showcase_withdraw", target=showcase)
    showcase.refresh_from_db()
    return showcase


# --- photos ------------------------------------------------------------------------------------


def may_edit_showcase(user, showcase: Showcase) -> bool:
    """The officials of a published showcase's place: those who may publish it."""
    return showcase.published and covers(user, showcase.place_path, OFFICIALS)


def _photos_add(actor, showcase: Showcase, files, caption) -> list[ShowcasePhoto]:
    return photos_add(
        actor=actor,
        owner=showcase,
        files=files,
        caption=caption,
        action="culture.showcase_photos_add",
    )


def showcase_photos_add(*, actor, showcase: Showcase, files, caption="") -> list[ShowcasePhoto]:
    """Photos of a published showcase, by the officials of its place (anyone else: a 404)."""
    if not may_edit_showcase(actor, showcase):
        raise NotFound()
    return _photos_add(actor, showcase, files, caption)


def showcase_photo_remove(*, actor, photo: ShowcasePhoto) -> None:
    if not may_edit_showcase(actor, photo.showcase):
        raise NotFound()
    photo_remove(
        actor=actor, photo=photo, owner=photo.showcase, action="culture.showcase_photo_remove"
    )
