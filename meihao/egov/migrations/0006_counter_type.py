from django.db import migrations


def load(apps, schema_editor):
    from meihao.egov.catalogue import load_counter_type

    load_counter_type(apps.get_model("cases", "CaseType"), apps.get_model("cases", "CaseCategory"))


def unload(apps, schema_editor):
    if not apps.get_model("cases", "Case").objects.filter(case_type__code="COUNTER").exists():
        apps.get_model("cases", "CaseType").objects.filter(code="COUNTER").delete()


class Migration(migrations.Migration):
    dependencies = [("egov", "0005_supplement_beyond_guide"), ("cases", "0011_case_urging")]

    operations = [migrations.RunPython(load, unload)]
