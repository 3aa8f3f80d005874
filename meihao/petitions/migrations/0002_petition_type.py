from django.db import migrations


def load(apps, schema_editor):
    from meihao.petitions.catalogue import load_petition_type

    load_petition_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("cases", "0011_case_urging")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
