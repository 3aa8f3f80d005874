from django.db import migrations


def load(apps, schema_editor):
    from meihao.eldercare.catalogue import load_visit_type

    load_visit_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("eldercare", "0002_default_scale"), ("cases", "0012_case_channel_counter")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
