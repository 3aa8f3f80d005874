from django.db import migrations


def load(apps, schema_editor):
    from meihao.care.catalogue import load_care_catalogue

    load_care_catalogue(
        apps.get_model("cases", "CaseType"),
        apps.get_model("cases", "CaseCategory"),
        apps.get_model("care", "CareService"),
    )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial"), ("cases", "0013_case_channel_schedule")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
