from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meihao.core"
    label = "core"
    verbose_name = "Core"
