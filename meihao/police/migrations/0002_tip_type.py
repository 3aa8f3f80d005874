from django.db import migrations


def load(apps, schema_editor):
    from meihao.police.catalogue import load_tip_type

    load_tip_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("police", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
