from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "meihao.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")

    def ready(self):
        # What the WISH case type needs from the engine (cases.extensions): ordered only here
        # (a wish needs its Wish record), its claimants' points credited when confirmed, shown
        # on the wish page.
        from meihao.cases import extensions
        from meihao.wishes.models import WISH_CODE
        from meihao.wishes.services import wish_settle
        from meihao.wishes.vocabulary import WISH_WORDS

        extensions.register_app_filed(WISH_CODE)
        extensions.register_close_effects(WISH_CODE, wish_settle)
        extensions.register_vocabulary(WISH_CODE, WISH_WORDS)
        extensions.register_detail_url(
            WISH_CODE, lambda case: reverse("wishes:detail", args=[case.number])
        )
