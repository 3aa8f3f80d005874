from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError


def confirmed_posts_to_their_source(apps, schema_editor):
    """Records written for confirmed dual-registration posts were staff entries with a QR code
    of the confirmation as "evidence"; they are what the new source names."""
    ServiceRecord = apps.get_model("activities", "ServiceRecord")
    PostClaim = apps.get_model("volunteers", "PostClaim")
    ServiceRecord.objects.filter(
        pk__in=PostClaim.objects.filter(service_record__isnull=False).values("service_record")
    ).update(source="confirmed_post")


def confirmed_posts_back_to_staff_entries(apps, schema_editor):
    ServiceRecord = apps.get_model("activities", "ServiceRecord")
    confirmed = ServiceRecord.objects.filter(source="confirmed_post")
    if confirmed.filter(evidence="").exists():
        raise IrreversibleError(
            "Service records of confirmed posts written without a photo cannot become staff "
            "entries, which need one."
        )
    confirmed.update(source="staff_entry")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_activity_cancel_reason"),
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="servicerecord",
            name="source",
            field=models.CharField(
                choices=[
                    ("attendance", "From check-in and check-out"),
                    ("staff_entry", "Entered by staff with evidence"),
                    ("confirmed_post", "Confirmed service post (dual registration)"),
                ],
                max_length=16,
                verbose_name="source",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="servicerecord",
            name="servicerecord_source_backed",
        ),
        migrations.AddConstraint(
            model_name="servicerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(source="attendance", attendance__isnull=False)
                | models.Q(source="staff_entry", attendance__isnull=True) & ~models.Q(evidence="")
                | models.Q(source="confirmed_post", attendance__isnull=True),
                name="servicerecord_source_backed",
            ),
        ),
        migrations.RunPython(
            confirmed_posts_to_their_source, confirmed_posts_back_to_staff_entries
        ),
    ]
