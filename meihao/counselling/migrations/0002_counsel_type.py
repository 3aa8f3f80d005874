from django.db import migrations


def load(apps, schema_editor):
    from meihao.counselling.catalogue import load_counsel_type

    load_counsel_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("counselling", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
