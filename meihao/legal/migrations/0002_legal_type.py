from django.db import migrations


def load(apps, schema_editor):
    from meihao.legal.catalogue import load_legal_type

    load_legal_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
