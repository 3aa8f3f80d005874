"""Activities and sign-ups: creating, editing, publishing, cancelling; the waiting list."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count

from meihao.activities import services
from meihao.activities.models import Activity, SignUp
from meihao.activities.tests.helpers import (
    END,
    START,
    WEEK_BEFORE,
    activity_fields,
    at,
    make_activity,
    minutes,
    sign_up,
)
from meihao.core.errors import IllegalTransition, NotFound, ValidationFailed
from meihao.core.models import AuditEvent
from meihao.notify.models import Message

pytestmark = pytest.mark.django_db


def statuses(activity):
    return list(
        SignUp.objects.filter(activity=activity)
        .order_by("created_at", "id")
        .values_list("person__real_name", "status")
    )


# --- creating and editing ---------------------------------------------------------------------


def test_community_staff_creates_a_draft_in_their_community(personas):
    activity = make_activity(personas, publish=False)
    assert activity.status == Activity.Status.DRAFT
    assert activity.place_path == personas.tree.community_a.path
    assert activity.created_by == personas.community_staff_a
    assert activity.planned_minutes == 120
    assert AuditEvent.objects.filter(action="activity.create", target_id=str(activity.pk)).exists()


def test_a_draft_is_seen_by_its_organisers_and_a_superuser_only(personas):
    from meihao.core.testing import make_user

    draft = make_activity(personas, publish=False)
    root = make_user("13900000099", "超级管理员")
    root.is_superuser = True
    root.save()
    assert list(Activity.objects.visible_to(root)) == [draft]
    assert list(Activity.objects.visible_to(personas.community_staff_a)) == [draft]
    assert not Activity.objects.visible_to(personas.resident_a).exists()
    assert not Activity.objects.visible_to(personas.grid_worker_a).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "picnic"}, "kind"),
        ({"ends_at": START}, "ends_at"),
        ({"ends_at": START + minutes(25 * 60)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "3"}, "capacity"),
        ({"venue": "", "online_url": ""}, "venue"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"lat": 23.41, "lon": None}, "lat"),
        ({"lat": 123.0, "lon": 111.2}, "lat"),
        ({"roles_needed": [{"role": "治安员", "count": 4}]}, "roles_needed"),
        (
            {"roles_needed": [{"role": "治安员", "count": 1}, {"role": "治安员", "count": 1}]},
            "roles_needed",
        ),
        ({"roles_needed": [{"role": "", "count": 1}]}, "roles_needed"),
        ({"roles_needed": [{"role": "治安员", "count": 0}]}, "roles_needed"),
        ({"roles_needed": "治安员"}, "roles_needed"),
        ({"checkin_radius_m": 5}, "checkin_radius_m"),
        ({"late_after_minutes": -1}, "late_after_minutes"),
        ({"min_attendance_share": "0"}, "min_attendance_share"),
        ({"min_attendance_share": "1.5"}, "min_attendance_share"),
        ({"min_attendance_share": "half"}, "min_attendance_share"),
    ],
)
def test_bad_activity_input_is_refused_and_nothing_is_created(personas, overrides, field):
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.activity_create(
            actor=personas.community_staff_a, **activity_fields(personas, **overrides)
        )
    assert error.value.field == field
    assert not Activity.objects.exists()


def test_an_activity_ending_in_the_past_cannot_be_created(personas):
    with at(END + minutes(1)), pytest.raises(ValidationFailed) as error:
        services.activity_create(actor=personas.community_staff_a, **activity_fields(personas))
    assert error.value.field == "ends_at"


@pytest.mark.parametrize(
    "persona", ["grid_worker_a", "resident_a", "volunteer_a", "department_staff", "outsider"]
)
def test_people_who_do_not_organise_cannot_create(personas, persona):
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.activity_create(actor=getattr(personas, persona), **activity_fields(personas))
    assert error.value.field == "place"
    assert not Activity.objects.exists()


def test_community_staff_cannot_create_in_another_community(personas):
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed):
        services.activity_create(
            actor=personas.community_staff_a,
            **activity_fields(personas, place=personas.tree.community_b),
        )


def test_street_chief_and_district_admin_organise_in_their_subtrees(personas):
    for actor, place in (
        (personas.street_chief_a, personas.tree.community_a),
        (personas.district_admin, personas.tree.community_b),
    ):
        activity = make_activity(personas, actor=actor, place=place)
        assert activity.status == Activity.Status.PUBLISHED


def test_online_activity_needs_no_coordinates(personas):
    activity = make_activity(
        personas,
        kind=Activity.Kind.LECTURE,
        venue="",
        lat=None,
        lon=None,
        online_url="https://meeting.example.cn/123",
    )
    assert activity.is_online


def test_update_by_an_organiser_out_of_scope_is_not_found_and_changes_nothing(personas):
    activity = make_activity(personas)
    with at(WEEK_BEFORE), pytest.raises(NotFound):
        services.activity_update(actor=personas.grid_worker_b, activity=activity, title="改")
    activity.refresh_from_db()
    assert activity.title == "清洁骑楼老街"


def test_update_keeps_confirmed_places(personas):
    activity = make_activity(personas, capacity=2)
    sign_up(activity, personas.resident_a, personas.resident_b)
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.activity_update(actor=personas.community_staff_a, activity=activity, capacity=1)
    assert error.value.field == "capacity"
    activity.refresh_from_db()
    assert activity.capacity == 2


def test_a_role_someone_signed_up_for_cannot_be_removed(personas):
    activity = make_activity(personas, roles_needed=[{"role": "治安员", "count": 1}])
    sign_up(activity, personas.resident_a, role="治安员")
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.activity_update(
            actor=personas.community_staff_a, activity=activity, roles_needed=[]
        )
    assert error.value.field == "roles_needed"


def test_more_capacity_moves_the_waiting_list_up(personas):
    activity = make_activity(personas, capacity=1)
    sign_up(activity, personas.resident_a, personas.resident_b, personas.volunteer_a)
    with at(WEEK_BEFORE):
        services.activity_update(actor=personas.community_staff_a, activity=activity, capacity=2)
    assert statuses(activity) == [
        ("居民甲", "confirmed"),
        ("居民乙", "confirmed"),
        ("志愿者甲", "waitlisted"),
    ]
    assert Message.objects.filter(kind="activity_promoted", recipient=personas.resident_b).exists()


def test_a_new_time_is_told_to_everyone_signed_up(personas):
    activity = make_activity(personas)
    sign_up(activity, personas.resident_a)
    with at(WEEK_BEFORE):
        services.activity_update(
            actor=personas.community_staff_a,
            activity=activity,
            starts_at=START + minutes(60),
            ends_at=END + minutes(60),
        )
    assert (
        Message.objects.filter(kind="activity_changed", recipient=personas.resident_a).count() == 1
    )


def test_an_update_changing_nothing_writes_nothing(personas):
    activity = make_activity(personas)
    with at(WEEK_BEFORE):
        services.activity_update(
            actor=personas.community_staff_a, activity=activity, title=activity.title
        )
    assert not AuditEvent.objects.filter(action="activity.update").exists()


def test_publish_twice_is_refused(personas):
    activity = make_activity(personas)
    with at(WEEK_BEFORE), pytest.raises(IllegalTransition) as error:
        services.activity_publish(actor=personas.community_staff_a, activity=activity)
    assert error.value.code == "illegal_transition"


def test_a_draft_that_is_already_over_cannot_be_published(personas):
    activity = make_activity(personas, publish=False)
    with at(END), pytest.raises(IllegalTransition):
        services.activity_publish(actor=personas.community_staff_a, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_cancel_tells_everyone_signed_up_why(personas):
    activity = make_activity(personas, capacity=1)
    sign_up(activity, personas.resident_a, personas.resident_b)
    with at(WEEK_BEFORE):
        services.activity_cancel(actor=personas.community_staff_a, activity=activity, reason="台风")
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == ("cancelled", "台风")
    messages = Message.objects.filter(kind="activity_cancelled")
    assert {m.recipient for m in messages} == {personas.resident_a, personas.resident_b}
    assert all("台风" in m.body for m in messages)


def test_cancel_needs_a_reason_and_changes_nothing_without_one(personas):
    activity = make_activity(personas)
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.activity_cancel(actor=personas.community_staff_a, activity=activity, reason=" ")
    assert error.value.field == "reason"
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


# --- sign-ups and the waiting list --------------------------------------------------------------


def test_signups_beyond_capacity_wait_in_order(personas):
    activity = make_activity(personas, capacity=2)
    sign_up(activity, personas.resident_a, personas.resident_b, personas.volunteer_a)
    assert statuses(activity) == [
        ("居民甲", "confirmed"),
        ("居民乙", "confirmed"),
        ("志愿者甲", "waitlisted"),
    ]


def test_signing_up_twice_returns_the_same_signup(personas):
    activity = make_activity(personas)
    first = sign_up(activity, personas.resident_a)[0]
    again = sign_up(activity, personas.resident_a)[0]
    assert first.pk == again.pk
    assert SignUp.objects.count() == 1


def test_signing_up_again_in_another_role_is_refused(personas):
    activity = make_activity(personas, capacity=3, roles_needed=[{"role": "治安员", "count": 1}])
    (first,) = sign_up(activity, personas.resident_a)
    with pytest.raises(IllegalTransition) as refused:
        sign_up(activity, personas.resident_a, role="治安员")
    assert refused.value.status == 409 and refused.value.code == "already_signed_up"
    assert list(SignUp.objects.values_list("pk", "role")) == [(first.pk, "")]


def test_cancelling_a_confirmed_place_promotes_the_first_waiting_and_tells_them(personas):
    activity = make_activity(personas, capacity=1)
    first, second, third = sign_up(
        activity, personas.resident_a, personas.resident_b, personas.volunteer_a
    )
    with at(WEEK_BEFORE + minutes(5)):
        services.signup_cancel(actor=personas.resident_a, signup=first)
    assert statuses(activity) == [
        ("居民甲", "cancelled"),
        ("居民乙", "confirmed"),
        ("志愿者甲", "waitlisted"),
    ]
    second.refresh_from_db()
    assert second.promoted_at is not None
    assert list(
        Message.objects.filter(kind="activity_promoted").values_list("recipient", flat=True)
    ) == [personas.resident_b.pk]


def test_cancelling_a_waiting_signup_promotes_nobody(personas):
    activity = make_activity(personas, capacity=1)
    _, waiting = sign_up(activity, personas.resident_a, personas.resident_b)
    with at(WEEK_BEFORE):
        services.signup_cancel(actor=personas.resident_b, signup=waiting)
    assert statuses(activity) == [("居民甲", "confirmed"), ("居民乙", "cancelled")]
    assert not Message.objects.filter(kind="activity_promoted").exists()


def test_after_cancelling_one_may_sign_up_again(personas):
    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_a)
    with at(WEEK_BEFORE):
        services.signup_cancel(actor=personas.resident_a, signup=signup)
    (again,) = sign_up(activity, personas.resident_a)
    assert again.pk != signup.pk and again.status == "confirmed"


def test_someone_else_cannot_cancel_my_signup(personas):
    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_a)
    with at(WEEK_BEFORE), pytest.raises(NotFound):
        services.signup_cancel(actor=personas.resident_b, signup=signup)
    signup.refresh_from_db()
    assert signup.status == "confirmed"


def test_the_organiser_may_cancel_a_signup(personas):
    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_b)
    with at(WEEK_BEFORE):
        services.signup_cancel(actor=personas.community_staff_a, signup=signup)
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_participants_cannot_cancel_once_started(personas):
    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_a)
    with at(START), pytest.raises(IllegalTransition):
        services.signup_cancel(actor=personas.resident_a, signup=signup)


def test_roles_have_their_own_places_and_waiting_lists(personas):
    activity = make_activity(personas, capacity=3, roles_needed=[{"role": "治安员", "count": 1}])
    sign_up(activity, personas.resident_a, role="治安员")
    sign_up(activity, personas.resident_b, role="治安员")
    sign_up(activity, personas.volunteer_a, personas.party_member_a, personas.grid_worker_a)
    assert statuses(activity) == [
        ("居民甲", "confirmed"),
        ("居民乙", "waitlisted"),
        ("志愿者甲", "confirmed"),
        ("党员甲", "confirmed"),
        ("网格员甲", "waitlisted"),
    ]
    # A general place freeing up goes to the general waiting list, not to the role's.
    first_general = SignUp.objects.get(person__real_name="志愿者甲")
    with at(WEEK_BEFORE):
        services.signup_cancel(actor=personas.volunteer_a, signup=first_general)
    assert SignUp.objects.get(person__real_name="网格员甲").status == "confirmed"
    assert SignUp.objects.get(person__real_name="居民乙").status == "waitlisted"


def test_an_unknown_role_is_refused(personas):
    activity = make_activity(personas, roles_needed=[{"role": "治安员", "count": 1}])
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.signup_create(actor=personas.resident_a, activity=activity, role="厨师")
    assert error.value.field == "role"
    assert not SignUp.objects.exists()


def test_when_every_place_has_a_role_a_role_is_required(personas):
    activity = make_activity(personas, capacity=1, roles_needed=[{"role": "治安员", "count": 1}])
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.signup_create(actor=personas.resident_a, activity=activity)
    assert error.value.field == "role"


def test_drafts_and_past_activities_take_no_signups(personas):
    draft = make_activity(personas, publish=False)
    with at(WEEK_BEFORE), pytest.raises(IllegalTransition):
        services.signup_create(actor=personas.resident_a, activity=draft)
    published = make_activity(personas)
    with at(END), pytest.raises(IllegalTransition):
        services.signup_create(actor=personas.resident_a, activity=published)
    assert not SignUp.objects.exists()


def test_residents_of_other_places_may_sign_up(personas):
    activity = make_activity(personas)
    (signup,) = sign_up(activity, personas.resident_b)
    assert signup.status == "confirmed"


def test_a_login_without_a_person_record_cannot_sign_up(personas):
    from meihao.people.models import User

    user = User.objects.create_user("13900000077", "x-Password-1", name="无档案")
    activity = make_activity(personas)
    with at(WEEK_BEFORE), pytest.raises(ValidationFailed) as error:
        services.signup_create(actor=user, activity=activity)
    assert error.value.code == "no_person"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_two_people_racing_for_the_last_place_are_not_both_confirmed(personas):
    activity = make_activity(personas, capacity=1)
    racers = [
        personas.resident_a,
        personas.resident_b,
        personas.volunteer_a,
        personas.party_member_a,
    ]
    barrier = threading.Barrier(len(racers))
    errors = []

    def racer(user):
        try:
            barrier.wait()
            services.signup_create(actor=user, activity=activity)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(user,)) for user in racers]
    with at(WEEK_BEFORE):  # one clock for every thread (time-machine is process-wide)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    counts = dict(
        SignUp.objects.filter(activity=activity).values_list("status").annotate(n=Count("id"))
    )
    assert counts == {"confirmed": 1, "waitlisted": 3}
