from django.db import migrations, models


def mark_grid(apps, schema_editor):
    from meihao.cases.catalogue import GRID_TYPE

    CaseType = apps.get_model("cases", "CaseType")  # noqa: N806
    CaseType.objects.filter(code=GRID_TYPE["code"]).update(grid_management=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_publication")]

    operations = [
        migrations.AddField(
            model_name="casetype",
            name="grid_management",
            field=models.BooleanField(default=False, verbose_name="grid management"),
        ),
        migrations.RunPython(mark_grid, migrations.RunPython.noop),
    ]
