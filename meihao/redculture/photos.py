"""A red-culture site's photos: kept, like the rest of the map, by the officials over the
district (`services.keeps_map`); shown on the site's public page while it is published. The
files, the limit and the checks are the kit's (`core.photos`)."""

from meihao.core.errors import NotFound
from meihao.core.inputs import parse_id
from meihao.core.photos import photo_remove, photos_add
from meihao.core.roles import OFFICIALS
from meihao.core.scoping import covers
from meihao.redculture.models import Site, SitePhoto
from meihao.redculture.services import district_path


def keeps_site(user, site: Site) -> bool:
    """Whoever may edit the site: the officials covering its whole district."""
    return covers(user, district_path(site.place_path), OFFICIALS)


def site_photos_add(*, actor, site: Site, files, caption="") -> list[SitePhoto]:
    """Photos of a site for its page, by those who keep the map (anyone else: a 404)."""
    if not keeps_site(actor, site):
        raise NotFound()
    return photos_add(
        actor=actor, owner=site, files=files, caption=caption, action="redculture.photos_add"
    )


def site_photo_remove(*, actor, photo: SitePhoto) -> None:
    if not keeps_site(actor, photo.site):
        raise NotFound()
    photo_remove(actor=actor, photo=photo, owner=photo.site, action="redculture.photo_remove")


def site_photo_get(pk) -> SitePhoto:
    """A photo of a published site: public, as the site's page is."""
    photo = (
        SitePhoto.objects.filter(pk=parse_id(pk), site__published=True)
        .select_related("site")
        .first()
    )
    if photo is None:
        raise NotFound()
    return photo
