from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_police_team"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="units",
            field=models.ManyToManyField(
                blank=True,
                related_name="serving_teams",
                to="people.organisation",
                verbose_name="member units",
            ),
        ),
    ]
