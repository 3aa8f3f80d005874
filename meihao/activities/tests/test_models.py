import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from meihao.activities.models import Activity, Attendance, ServiceRecord, SignUp
from meihao.activities.selectors import service_minutes


def _activity(personas, **overrides):
    start = timezone.now() + datetime.timedelta(days=1)
    fields = {
        "kind": Activity.Kind.VOLUNTEER_SERVICE,
        "title": "清洁家园",
        "place": personas.tree.community_a,
        "place_path": personas.tree.community_a.path,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 2,
        "created_by": personas.community_staff_a,
    }
    return Activity.objects.create(**{**fields, **overrides})


@pytest.mark.django_db
def test_activity_must_end_after_it_starts(personas):
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        _activity(personas, starts_at=start, ends_at=start)


@pytest.mark.django_db
def test_one_open_signup_per_person_but_a_cancelled_one_may_be_followed(personas):
    activity = _activity(personas)
    person = personas.volunteer_a.person
    SignUp.objects.create(
        activity=activity, person=person, status="cancelled", cancelled_at=timezone.now()
    )
    SignUp.objects.create(activity=activity, person=person, status="confirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(activity=activity, person=person, status="waitlisted")


@pytest.mark.django_db
def test_service_record_is_append_only_and_reversed_at_most_once(personas):
    activity = _activity(personas)
    person = personas.volunteer_a.person
    signup = SignUp.objects.create(activity=activity, person=person, status="confirmed")
    attendance = Attendance.objects.create(
        signup=signup, checked_in_at=activity.starts_at, check_in_method="staff"
    )
    common = {
        "person": person,
        "activity": activity,
        "service_date": activity.starts_at.date(),
        "place": activity.place,
        "place_path": activity.place_path,
        "content": "清洁家园",
        "source": "attendance",
        "attendance": attendance,
        "recording_organisation": "骑楼社区居委会",
        "person_in_charge": "社区干部甲",
        "created_by": personas.community_staff_a,
    }
    record = ServiceRecord.objects.create(minutes=120, **common)
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    ServiceRecord.objects.create(minutes=-120, reverses=record, reason="录入错误", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(minutes=-120, reverses=record, reason="再次冲正", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(minutes=-5, **common)  # negative without reversing
    assert service_minutes(person) == 0
