from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldercareConfig(AppConfig):
    name = "meihao.eldercare"
    label = "eldercare"
    verbose_name = _("Home care for elders")
