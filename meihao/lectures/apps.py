from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LecturesConfig(AppConfig):
    name = "meihao.lectures"
    label = "lectures"
    verbose_name = _("Lecture menu")

    def ready(self):
        from meihao.lectures import indicators  # noqa: F401 - registers the figures
