from django.db import migrations


def load(apps, schema_editor):
    from meihao.ratings.catalogue import load_rectify_type

    load_rectify_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial"), ("cases", "0011_case_urging")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
