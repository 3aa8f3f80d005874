"""Photos of the demo's venues, showcases and red-culture sites (`core.photos`), drawn with
Pillow by `demo.photos` — nothing is downloaded — and stored as any upload is (`core.images`:
re-encoded, the EXIF-free copy and its thumbnail).

Some of each, so that the pages show photos and an empty state alike, and `make demo` stays
fast (about 35 photos, 10 ms each to draw and encode): the demo community's bookable venues
(the community staff's log-in, 13900000003, runs them) two photos each and the squares one;
the first two showcases of each category as the public page lists them (newest first), two
photos for the first; the first two sites of each street, two photos for the first. Each
picture is drawn from the seed and the object's id, so a reseeded district looks the same.

Idempotent: an object that has photos gets none, so a rerun adds nothing."""

import random

from django.db import transaction

from meihao.core.images import encode_photo
from meihao.core.photos import photo_rows
from meihao.core.roles import Role
from meihao.culture.models import Showcase
from meihao.demo.accounts import role_persona
from meihao.demo.photos import showcase_scene, site_scene, upload, venue_scene
from meihao.people.models import RoleAssignment, User
from meihao.places.models import Venue
from meihao.redculture.models import Site

VENUE_CAPTIONS = ("{name}一角", "居民在{name}活动")
SHOWCASE_CAPTIONS = ("{name}活动现场", "{name}的参与者")
SITE_CAPTIONS = ("{name}外景", "{name}前的参观者")
SITES_A_STREET = 2
SHOWCASES_A_CATEGORY = 2


class DemoGallery:
    def __init__(self, *, seed: int):
        self.seed = seed

    def run(self) -> tuple[int, int]:
        admin = User.objects.filter(phone=role_persona(Role.DISTRICT_ADMIN).phone).first()
        if admin is None:
            return 0, 0
        staff = User.objects.filter(phone=role_persona(Role.COMMUNITY_STAFF).phone).first()
        written = there = 0
        with transaction.atomic():
            for owner, count, draw, captions, uploader in self._chosen(admin, staff):
                if owner.photos.exists():
                    there += 1
                    continue
                rng = random.Random(f"{self.seed}:gallery:{type(owner).__name__}:{owner.pk}")
                for n in range(count):
                    name = f"{type(owner).__name__.lower()}-{owner.pk}-{n}.jpg"
                    photo_rows(
                        owner,
                        [encode_photo(upload(draw(rng), name))],
                        caption=captions[n % len(captions)].format(name=str(owner)),
                        uploaded_by=uploader,
                    )
                    written += 1
        return written, there

    def _chosen(self, admin, staff):
        """(object, how many photos, how to draw one, captions, who uploaded them)."""
        community = (
            RoleAssignment.objects.filter(user=staff, role=Role.COMMUNITY_STAFF)
            .values_list("place__path", flat=True)
            .first()
        )
        venues = Venue.objects.filter(place__is_demo=True, bookable=True).order_by(
            "place_path", "pk"
        )
        for venue in venues:
            if community and venue.place_path == community:
                count = 2
            elif venue.kind == Venue.Kind.SQUARE:
                count = 1
            else:
                continue
            yield (
                venue,
                count,
                lambda rng, v=venue: venue_scene(v.kind, rng),
                VENUE_CAPTIONS,
                (staff if count == 2 else admin),
            )
        for category in Showcase.Category.values:
            showcases = Showcase.objects.filter(
                is_demo=True, published=True, category=category
            ).order_by("-created_at", "-pk")[:SHOWCASES_A_CATEGORY]
            for n, showcase in enumerate(showcases):
                yield (
                    showcase,
                    2 if n == 0 else 1,
                    lambda rng, c=category: showcase_scene(c, rng),
                    SHOWCASE_CAPTIONS,
                    admin,
                )
        by_street: dict[str, int] = {}
        for site in Site.objects.filter(is_demo=True, published=True).order_by("place_path", "pk"):
            street = site.place_path.split("/")[1]
            n = by_street.get(street, 0)
            by_street[street] = n + 1
            if n < SITES_A_STREET:
                yield (
                    site,
                    2 if n == 0 else 1,
                    lambda rng, k=site.kind: site_scene(k, rng),
                    SITE_CAPTIONS,
                    admin,
                )
