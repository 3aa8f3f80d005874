from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontageConfig(AppConfig):
    name = "meihao.frontage"
    label = "frontage"
    verbose_name = _("Frontage pledges")
