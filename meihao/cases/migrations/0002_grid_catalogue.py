from django.db import migrations


def load(apps, schema_editor):
    from meihao.cases.catalogue import load_grid_catalogue

    load_grid_catalogue(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
