"""Party members racing for the last places of a post on a real server database."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from meihao.core.errors import ValidationFailed
from meihao.core.testing import make_user
from meihao.dual import services
from meihao.dual.models import PostClaim, ServicePost
from meihao.people.models import Organisation


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_eight_members_racing_for_three_places_three_win(personas):
    tree, staff = personas.tree, personas.community_staff_a
    year = timezone.localdate().year
    unit = Organisation.objects.create(
        name="城东小学", kind="unit", place=tree.street_a, place_path=tree.street_a.path
    )
    members = [make_user(f"1370000000{n}", f"党员{n}", home=tree.grid_a1) for n in range(8)]
    for user in members:
        services.member_register(
            actor=staff, person=user.person, unit=unit, community=tree.community_a, year=year
        )
    post = services.post_publish(
        actor=staff,
        community=tree.community_a,
        year=year,
        title="防汛值守",
        expected_minutes=120,
        slots=3,
    )
    barrier = threading.Barrier(len(members))
    won, full, errors = [], [], []

    def claim(user):
        try:
            barrier.wait()
            services.post_claim(actor=user, post=ServicePost.objects.get(pk=post.pk))
            won.append(user.pk)
        except ValidationFailed as error:
            full.append(error.code)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 3
    assert full == ["post_full"] * 5
    assert ServicePost.objects.get(pk=post.pk).claimed_count == 3
    assert PostClaim.objects.filter(post=post).count() == 3
