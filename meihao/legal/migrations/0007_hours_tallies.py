from django.db import migrations

# The legal duties as they were written: legal.compliance.DUTY and its kinds (`DUTY.<kind>`).
DUTY = "legal.minutes"


def count_the_services(apps, schema_editor):
    """The services recorded so far, onto the obligations engine."""
    AdvisorService = apps.get_model("legal", "AdvisorService")
    if not AdvisorService.objects.exists():
        return
    # The recount is the app's own (as `manage.py legal_hours_rebuild` runs it), on today's
    # models: only where there are services to count, so a new database never runs it.
    from meihao.legal.compliance import hours_tallies_rebuild

    hours_tallies_rebuild()


def forget_the_tallies(apps, schema_editor):
    for model in ("ObligationTally", "ObligationYear"):
        apps.get_model("core", model).objects.filter(duty__startswith=DUTY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0006_legal_aid"),
        ("core", "0004_obligation_year"),
        ("people", "0007_police_team"),
    ]

    operations = [migrations.RunPython(count_the_services, forget_the_tallies)]
