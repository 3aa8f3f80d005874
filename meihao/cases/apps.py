from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "meihao.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        # Registers the fan-out handlers (so a worker can run events recorded by a web process)
        # and the catalogue snapshot's change signals.
        from meihao.cases import classes, notifications  # noqa: F401
