from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "meihao.party"
    label = "party"
    verbose_name = _("Party organisations")

    def ready(self):
        # The party meeting kind: who organises, sees and joins one, and what finishing records.
        from meihao.party import meetings  # noqa: F401
