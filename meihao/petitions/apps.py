from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "meihao.petitions"
    label = "petitions"
    verbose_name = _("Online petitions")

    def ready(self):
        # What the PETITION case type needs from the engine (cases.extensions): filed only here
        # (a petition needs its Petition record), timed by its kind, shown with its panel on the
        # engine's case page, never pushed down from a department to a street or community.
        from meihao.cases import extensions
        from meihao.petitions import panel, routing
        from meihao.petitions.models import PETITION_CODE
        from meihao.petitions.vocabulary import PETITION_WORDS

        extensions.register_app_filed(PETITION_CODE)
        extensions.register_handling_limit(PETITION_CODE, routing.reply_limit)
        extensions.register_dispatch_check(PETITION_CODE, routing.check_dispatch)
        extensions.register_detail_panel(PETITION_CODE, panel.PETITION_PANEL)
        extensions.register_vocabulary(PETITION_CODE, PETITION_WORDS)
