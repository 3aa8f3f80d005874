from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedcultureConfig(AppConfig):
    name = "meihao.redculture"
    label = "redculture"
    verbose_name = _("Red-culture map")

    def ready(self):
        from meihao.redculture import indicators  # noqa: F401 - registers the figures
