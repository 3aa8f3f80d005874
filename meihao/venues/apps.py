from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "meihao.venues"
    label = "venues"
    verbose_name = _("Venue bookings")

    def ready(self):
        from meihao.venues import indicators  # noqa: F401 - registers the figures
