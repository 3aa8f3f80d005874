from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "meihao.counselling"
    label = "counselling"
    verbose_name = _("Counselling")

    def ready(self):
        # What the COUNSEL type needs from the engine (cases.extensions): filed only here, held
        # by the community's counsellors and then the one who took it, confidential (every
        # reading but the resident's audited), worded for residents, shown on its page.
        from django.urls import reverse

        from meihao.cases import extensions
        from meihao.counselling.holders import COUNSEL_HOLDERS
        from meihao.counselling.models import COUNSEL_CODE
        from meihao.counselling.vocabulary import COUNSEL_WORDS

        extensions.register_app_filed(COUNSEL_CODE)
        extensions.register_holders(COUNSEL_CODE, COUNSEL_HOLDERS)
        extensions.register_confidential(COUNSEL_CODE)
        extensions.register_vocabulary(COUNSEL_CODE, COUNSEL_WORDS)
        extensions.register_detail_url(
            COUNSEL_CODE, lambda case: reverse("counselling:detail", args=[case.number])
        )
