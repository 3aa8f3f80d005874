from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WallConfig(AppConfig):
    name = "meihao.wall"
    label = "wall"
    verbose_name = _("Wall screen")
