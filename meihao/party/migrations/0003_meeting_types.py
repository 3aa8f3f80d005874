"""The meeting types the Party's rules require of every branch (三会一课 and the rest), with the
usual frequencies; the district changes them in the admin."""

from django.db import migrations

TYPES = [
    # code, Chinese, English, held by, period, minimum, quorum, secretary teaches yearly
    ("general", "支部党员大会", "Branch general meeting", "branch", "quarter", 1, "members", 0),
    ("committee", "支部委员会", "Branch committee meeting", "branch", "month", 1, "committee", 0),
    ("group", "党小组会", "Party group meeting", "group", "month", 1, "none", 0),
    ("lecture", "党课", "Party lecture", "branch", "quarter", 1, "none", 1),
    ("theme_day", "主题党日", "Themed party day", "branch", "month", 1, "none", 0),
    ("life", "组织生活会", "Organisational life meeting", "branch", "year", 1, "members", 0),
    ("review", "民主评议党员", "Democratic review of members", "branch", "year", 1, "members", 0),
]


def add(apps, schema_editor):
    MeetingType = apps.get_model("party", "MeetingType")
    for order, (code, zh, en, level, period, minimum, quorum, teaches) in enumerate(TYPES):
        MeetingType.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "level": level,
                "period": period,
                "minimum": minimum,
                "quorum": quorum,
                "secretary_teaches_yearly": teaches,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("party", "MeetingType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("party", "0002_meetings")]

    operations = [migrations.RunPython(add, remove)]
