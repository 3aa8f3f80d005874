"""Which meeting types a temporary branch owes: its committee's meeting; its members' other
organisational life stays in their home branches."""

from django.db import migrations, models


def mark(apps, schema_editor):
    apps.get_model("party", "MeetingType").objects.filter(code="committee").update(
        owed_by_temporary=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("party", "0004_study"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingtype",
            name="owed_by_temporary",
            field=models.BooleanField(default=False, verbose_name="owed by temporary branches"),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
