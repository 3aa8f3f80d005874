from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DualConfig(AppConfig):
    name = "meihao.dual"
    label = "dual"
    verbose_name = _("Dual registration")
