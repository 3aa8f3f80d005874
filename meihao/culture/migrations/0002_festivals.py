"""The festivals the district's cultural calendar groups its events by, with their seasons; the
district changes them in the admin."""

from django.db import migrations

FESTIVALS = [
    # code, Chinese, English, calendar, month, day, days before, days after
    ("spring", "春节", "Spring Festival", "lunar", 1, 1, 10, 15),
    ("sanyuesan", "三月三", "Sanyuesan", "lunar", 3, 3, 5, 3),
    ("dragon_boat", "端午", "Dragon Boat Festival", "lunar", 5, 5, 5, 2),
    ("mid_autumn", "中秋", "Mid-Autumn Festival", "lunar", 8, 15, 7, 3),
    ("double_ninth", "重阳", "Double Ninth Festival", "lunar", 9, 9, 5, 3),
    ("national_day", "国庆", "National Day", "solar", 10, 1, 3, 7),
]


def add(apps, schema_editor):
    Festival = apps.get_model("culture", "Festival")
    for order, (code, zh, en, calendar, month, day, before, after) in enumerate(FESTIVALS):
        Festival.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "calendar": calendar,
                "month": month,
                "day": day,
                "days_before": before,
                "days_after": after,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("culture", "Festival").objects.filter(
        code__in=[f[0] for f in FESTIVALS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("culture", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
