"""seed_demo on an empty database: these tests need one, so they are not in test_seed_demo,
whose district is seeded once for the module."""

import datetime
import io

import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from meihao.activities.models import Activity, ServiceRecord
from meihao.cases.models import Case
from meihao.demo.loader import row_counts
from meihao.demo.tests import test_demo_volunteer_side as volunteer_side
from meihao.demo.tests.test_demo_cases import grid_cases
from meihao.demo.tests.test_seed_demo import seed
from meihao.notify.models import FanOut, Message
from meihao.people.models import Person, PersonTag
from meihao.places.models import Place


def test_a_larger_scale_only_adds_residents(db):
    seed(100)
    first = dict(Person.objects.values_list("id_number_hash", "real_name"))
    tags = PersonTag.objects.count()
    seed(300)
    after = dict(Person.objects.values_list("id_number_hash", "real_name"))
    assert len(after) == len(first) + 200
    assert all(after[h] == name for h, name in first.items())
    assert PersonTag.objects.count() >= tags


def test_progress_goes_to_stderr(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", residents=50, cases=0, stdout=out, stderr=err)
    assert "residents: 50 new" in err.getvalue()
    assert "places: 336 new" in err.getvalue()
    assert "rows added" in out.getvalue()


def test_a_later_day_adds_only_the_days_since(db):
    volunteer_side.seed()
    first = row_counts()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        volunteer_side.seed()
        volunteer_side.seed()  # and again that day: nothing
        after = row_counts()
        out = io.StringIO()
        call_command("ledger_check", stdout=out)
    assert after["activities"] > first["activities"]
    assert after["volunteers"] == first["volunteers"]
    keys = Activity.objects.values("place", "title", "starts_at").annotate(n=Count("id"))
    assert not keys.filter(n__gt=1).exists()
    assert Activity.objects.filter(status="cancelled").count() == 1
    assert ServiceRecord.objects.filter(reverses__isnull=False).count() == 2


def test_the_district_without_residents(db):
    # As the benchmarks seed it: places, people in office and the catalogue, nobody else's
    # records (no petitioner, no applicant).
    out = io.StringIO()
    call_command("seed_demo", residents=0, cases=0, stdout=out, stderr=io.StringIO())
    assert Place.objects.filter(code="450403001001001").exists()
    assert "rows added" in out.getvalue()


def test_seed_demo_files_cases_and_is_idempotent(db):
    out = io.StringIO()
    call_command("seed_demo", residents=10, cases=40, stdout=out, stderr=io.StringIO())
    assert grid_cases().count() == 40
    # The new-case notices are written by the seed, as the worker would: none left waiting,
    # one notice per filed case at least, dated when the case was filed.
    assert not FanOut.objects.exclude(status=FanOut.Status.DONE).exists()
    notices = Message.objects.filter(kind="case_new_in_area")
    assert notices.values("target_id").distinct().count() >= 40
    first = notices.order_by("created_at").first()
    assert first.created_at == Case.objects.get(pk=first.target_id).created_at
    call_command("seed_demo", residents=10, cases=40, stdout=out, stderr=io.StringIO())
    assert grid_cases().count() == 40
