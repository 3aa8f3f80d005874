from django.db import migrations, models


def clear(apps, schema_editor):
    """Rows kept at the records' own place only would be read wrong by a figure that reads its
    place's row (and rows kept up the tree by one that sums under a path): both ways, the rows
    and the states go, and every figure is read live until the nightly job builds it again."""
    for name in ("RollupRow", "RollupState", "RollupDirty"):
        apps.get_model("insights", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0002_rollups"),
    ]

    operations = [
        migrations.RunPython(clear, clear),
        migrations.RemoveIndex(model_name="rolluprow", name="rollup_row_read_idx"),
        migrations.AddIndex(
            model_name="rolluprow",
            index=models.Index(
                fields=["indicator", "place_path", "day"], name="rollup_row_place_idx"
            ),
        ),
    ]
