from django.db import migrations


def load(apps, schema_editor):
    from meihao.legal.catalogue import load_dispute_type

    load_dispute_type(
        apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory")
    )


class Migration(migrations.Migration):
    dependencies = [("legal", "0004_disputes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
