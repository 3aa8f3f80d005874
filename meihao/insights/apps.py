from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "meihao.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from meihao.insights import registry, rollups

        registry.autodiscover()
        rollups.connect()
