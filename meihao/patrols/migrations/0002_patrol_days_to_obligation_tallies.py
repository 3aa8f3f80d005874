"""The grid workers' daily patrol seconds move from `PatrolDay` to the obligations engine: duty
`patrol`, subject the worker's user id, period a day, with each worker's days met per year.
The reverse copies the tallies back, so the migration can be unapplied."""

from django.conf import settings
from django.db import migrations

# Frozen here as they were when the rows moved: the code's constants may change later.
DUTY = "patrol"
PERIOD = "day"
DUTY_SECONDS = 60 * 60
BATCH = 2000


def days_to_tallies(apps, schema_editor):
    PatrolDay = apps.get_model("patrols", "PatrolDay")
    ObligationTally = apps.get_model("core", "ObligationTally")
    ObligationYear = apps.get_model("core", "ObligationYear")
    tallies, years = [], {}
    # Days without a second patrolled were rows of the old rebuild; a missing tally reads as 0.
    rows = PatrolDay.objects.filter(seconds__gt=0).order_by("pk")
    for worker_id, day, seconds in rows.values_list("worker_id", "day", "seconds").iterator(
        chunk_size=BATCH
    ):
        tallies.append(
            ObligationTally(
                duty=DUTY, subject_id=worker_id, period=PERIOD, starts_on=day, amount=seconds
            )
        )
        if seconds >= DUTY_SECONDS:
            years[(worker_id, day.year)] = years.get((worker_id, day.year), 0) + 1
        if len(tallies) >= BATCH:
            ObligationTally.objects.bulk_create(tallies)
            tallies = []
    ObligationTally.objects.bulk_create(tallies)
    ObligationYear.objects.bulk_create(
        [
            ObligationYear(duty=DUTY, subject_id=worker_id, year=year, periods_met=met)
            for (worker_id, year), met in years.items()
        ],
        batch_size=BATCH,
    )


def tallies_to_days(apps, schema_editor):
    PatrolDay = apps.get_model("patrols", "PatrolDay")
    ObligationTally = apps.get_model("core", "ObligationTally")
    ObligationYear = apps.get_model("core", "ObligationYear")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    # A subject is an id, not a foreign key: a tally of a user deleted since has no day to
    # go back to (PatrolDay's rows went with their worker).
    rows = ObligationTally.objects.filter(
        duty=DUTY, period=PERIOD, subject_id__in=User.objects.values("pk")
    ).order_by("pk")
    days = []
    for worker_id, day, seconds in rows.values_list("subject_id", "starts_on", "amount").iterator(
        chunk_size=BATCH
    ):
        days.append(PatrolDay(worker_id=worker_id, day=day, seconds=seconds))
        if len(days) >= BATCH:
            PatrolDay.objects.bulk_create(days)
            days = []
    PatrolDay.objects.bulk_create(days)
    ObligationTally.objects.filter(duty=DUTY).delete()
    ObligationYear.objects.filter(duty=DUTY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_obligation_year"),
        ("patrols", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(days_to_tallies, tallies_to_days),
        migrations.DeleteModel(name="PatrolDay"),
    ]
