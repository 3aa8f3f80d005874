from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "meihao.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from meihao.dashboards import indicators  # noqa: F401 - registers the funnel's stages
