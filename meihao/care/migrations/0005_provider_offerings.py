"""The providers' items become a model of their own (ProviderService) on the table Django made
for the plain many-to-many, with the provider's position copied in and indexed with the item."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_positions(apps, schema_editor):
    Provider = apps.get_model("care", "Provider")
    ProviderService = apps.get_model("care", "ProviderService")
    position = Provider.objects.filter(pk=OuterRef("provider_id"))
    ProviderService.objects.update(
        lat=Subquery(position.values("lat")[:1]), lon=Subquery(position.values("lon")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("care", "0004_complaints")]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table and its columns are there already: only the state learns the model.
            state_operations=[
                migrations.CreateModel(
                    name="ProviderService",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="offerings",
                                to="care.provider",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                db_column="careservice_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="care.careservice",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "care_provider_services",
                        "unique_together": {("provider", "service")},
                    },
                ),
                migrations.AlterField(
                    model_name="provider",
                    name="services",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="providers",
                        through="care.ProviderService",
                        to="care.careservice",
                        verbose_name="services offered",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="providerservice", name="lat", field=models.FloatField(null=True)
        ),
        migrations.AddField(
            model_name="providerservice", name="lon", field=models.FloatField(null=True)
        ),
        migrations.RunPython(copy_positions, migrations.RunPython.noop),
        migrations.AlterField(model_name="providerservice", name="lat", field=models.FloatField()),
        migrations.AlterField(model_name="providerservice", name="lon", field=models.FloatField()),
        migrations.AddIndex(
            model_name="providerservice",
            index=models.Index(fields=["service", "lat", "lon"], name="care_offering_position_idx"),
        ),
    ]
