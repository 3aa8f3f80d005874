from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "meihao.care"
    label = "care"
    verbose_name = _("Home-care services")

    def ready(self):
        # What the CARE case type needs from the engine (cases.extensions): filed only here (an
        # order needs its CareOrder), taken by the staff of the providers offered it, assigned
        # only to eligible staff, paid when confirmed, confirmed by family acting for the
        # elder, shown on the order page, its handling clock running to the service's end.
        from django.urls import reverse

        from meihao.care.claims import offered_providers_group
        from meihao.care.panel import COMPLAINT_PANEL
        from meihao.care.services import (
            CARE_CODE,
            dispatch_check,
            handling_limit,
            order_pay,
            rating_effects,
        )
        from meihao.care.services.complaints import COMPLAINT_CODE
        from meihao.care.vocabulary import COMPLAINT_WORDS, ORDER_WORDS
        from meihao.cases import extensions
        from meihao.eldercare.family import family_acting_for

        extensions.register_app_filed(CARE_CODE)
        extensions.register_own_notices(CARE_CODE)
        extensions.register_claim_group(CARE_CODE, offered_providers_group)
        extensions.register_dispatch_check(CARE_CODE, dispatch_check)
        extensions.register_close_effects(CARE_CODE, order_pay)
        extensions.register_rating_effects(CARE_CODE, rating_effects)
        extensions.register_acting_for(CARE_CODE, family_acting_for)
        extensions.register_vocabulary(CARE_CODE, ORDER_WORDS)
        extensions.register_handling_limit(CARE_CODE, handling_limit)
        extensions.register_detail_url(
            CARE_CODE, lambda case: reverse("care:order", args=[case.number])
        )
        # A complaint (COMPLAINT) is filed here only, worked on the engine's own case page with
        # the order it is about in a panel; the family acting for the elder confirm it too.
        extensions.register_app_filed(COMPLAINT_CODE)
        extensions.register_acting_for(COMPLAINT_CODE, family_acting_for)
        extensions.register_vocabulary(COMPLAINT_CODE, COMPLAINT_WORDS)
        extensions.register_detail_panel(COMPLAINT_CODE, COMPLAINT_PANEL)
