"""The default scoring table (our reading of GB/T 42195-2022), current until a district adopts
its province's version."""

import json
from pathlib import Path

from django.db import migrations

SCALE_FILE = Path(__file__).resolve().parent.parent / "scales" / "gbt42195_2022.json"


def install(apps, schema_editor):
    AssessmentScale = apps.get_model("eldercare", "AssessmentScale")
    definition = json.loads(SCALE_FILE.read_text(encoding="utf-8"))
    AssessmentScale.objects.update_or_create(
        code=definition["code"],
        defaults={
            "name": definition["name"],
            "definition": definition,
            "is_current": not AssessmentScale.objects.filter(is_current=True).exists(),
        },
    )


def remove(apps, schema_editor):
    AssessmentScale = apps.get_model("eldercare", "AssessmentScale")
    AssessmentScale.objects.filter(code="GBT42195-2022").delete()


class Migration(migrations.Migration):
    dependencies = [("eldercare", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
