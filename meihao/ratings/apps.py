from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "meihao.ratings"
    label = "ratings"
    verbose_name = _("Service ratings")

    def ready(self):
        # A 差评 of an application or a petition opens a rectification (cases.extensions:
        # rating effects); the RECTIFY type is filed only here, timed by the setting and shown
        # with its panel on the engine's case page.
        from django.conf import settings

        from meihao.cases import extensions
        from meihao.ratings import panel, services
        from meihao.ratings.models import RATED_TYPES, RECTIFY_CODE
        from meihao.ratings.vocabulary import RECTIFY_WORDS

        for code in RATED_TYPES:
            extensions.register_rating_effects(code, services.rectification_open)
        extensions.register_app_filed(RECTIFY_CODE)
        extensions.register_handling_limit(
            RECTIFY_CODE, lambda case: (settings.RATING_RECTIFY_DAYS, "work_days")
        )
        extensions.register_detail_panel(RECTIFY_CODE, panel.RECTIFICATION_PANEL)
        extensions.register_vocabulary(RECTIFY_CODE, RECTIFY_WORDS)
