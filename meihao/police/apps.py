from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliceConfig(AppConfig):
    name = "meihao.police"
    label = "police"
    verbose_name = _("Community police")

    def ready(self):
        # What the TIP case type needs from the engine (cases.extensions): filed only here (a
        # tip needs its block), held by the officer it went to alone, confidential (every
        # reading but the reporter's audited), worded for the reporter, shown on its page; the
        # officer is told by the routing, never the place's officials.
        from django.urls import reverse

        from meihao.cases import extensions
        from meihao.police.holders import TIP_HOLDERS
        from meihao.police.models import TIP_CODE
        from meihao.police.vocabulary import TIP_WORDS

        extensions.register_app_filed(TIP_CODE)
        extensions.register_holders(TIP_CODE, TIP_HOLDERS)
        extensions.register_confidential(TIP_CODE)
        extensions.register_vocabulary(TIP_CODE, TIP_WORDS)
        extensions.register_own_notices(TIP_CODE)
        extensions.register_detail_url(
            TIP_CODE, lambda case: reverse("police:tip", args=[case.number])
        )
