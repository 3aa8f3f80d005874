from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultureConfig(AppConfig):
    name = "meihao.culture"
    label = "culture"
    verbose_name = _("Cultural life")

    def ready(self):
        from meihao.culture import indicators  # noqa: F401 - registers the figures
