from django.db import migrations

# Defaults a district can change in the admin: a fulfilled micro-wish and an hour of time-bank
# help earn points on top of what they are; activities earn LEDGER_POINTS_PER_HOUR by default.
DEFAULT_RULES = [("case_type", "WISH", 0, 20), ("case_type", "TIMEBANK", 0, 10)]


def add_rules(apps, schema_editor):
    EarningRule = apps.get_model("ledger", "EarningRule")
    for basis, key, per_hour, each in DEFAULT_RULES:
        EarningRule.objects.get_or_create(
            basis=basis, key=key, defaults={"points_per_hour": per_hour, "points_each": each}
        )


def remove_rules(apps, schema_editor):
    EarningRule = apps.get_model("ledger", "EarningRule")
    for basis, key, _per_hour, _each in DEFAULT_RULES:
        EarningRule.objects.filter(basis=basis, key=key).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
