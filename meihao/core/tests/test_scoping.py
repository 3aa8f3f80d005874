import pytest

from meihao.core.audit import audit_change
from meihao.core.models import AuditEvent
from meihao.core.roles import PLACE_WORKERS
from meihao.core.scoping import covers, scope_paths, scope_q
from meihao.places.models import Place


def test_street_chief_covers_street_subtree_only(personas):
    chief = personas.street_chief_a
    assert covers(chief, personas.tree.grid_a2.path, PLACE_WORKERS)
    assert not covers(chief, personas.tree.grid_b1.path, PLACE_WORKERS)


def test_scope_paths_keep_only_outermost_subtrees(personas):
    from meihao.people.models import RoleAssignment

    user = personas.grid_worker_a
    RoleAssignment.objects.create(user=user, role="grid_worker", place=personas.tree.community_a)
    assert scope_paths(user, {"grid_worker"}) == [personas.tree.community_a.path]


def test_place_visibility_is_subtree_plus_ancestors(personas):
    visible = set(Place.objects.visible_to(personas.grid_worker_a).values_list("code", flat=True))
    assert visible == {"450403", "450403001", "450403001001", "450403001001001"}


def test_user_without_roles_sees_no_place(personas):
    assert not Place.objects.visible_to(personas.outsider).exists()


def test_department_staff_sees_its_organisations_place_subtree(personas):
    assert Place.objects.visible_to(personas.department_staff).count() == Place.objects.count()


def test_history_rows_cannot_be_edited_or_deleted(personas):
    event = audit_change(
        actor=personas.district_admin, action="test", target=personas.tree.district
    )
    event.action = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test"


def test_every_scoped_filter_gets_the_sqlite_index_range(personas):
    from django.db import connection

    from meihao.people.models import Person

    query = scope_q(personas.street_chief_a, path_field="home_place_path")
    sql = str(Person.objects.filter(query).query)
    assert "LIKE" in sql
    if connection.vendor == "sqlite":  # PostgreSQL's pattern index answers the LIKE itself
        assert '"home_place_path" >= ' in sql and '"home_place_path" < ' in sql


def test_a_superusers_scope_or_their_own_rows_is_still_everything(personas):
    from django.db.models import Q

    from meihao.core.testing import make_user
    from meihao.people.models import Person

    root = make_user("13900000099", "超级管理员")
    root.is_superuser = True
    root.save()
    own = Q(user=root)
    everything = Person.objects.filter(scope_q(root, path_field="home_place_path") | own)
    assert everything.count() == Person.objects.count() > 1
