from django.db import migrations


def load(apps, schema_editor):
    from meihao.wishes.catalogue import load_wish_catalogue

    load_wish_catalogue(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_initial"), ("cases", "0006_case_type_requester_onsite")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
