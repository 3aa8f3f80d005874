from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EgovConfig(AppConfig):
    name = "meihao.egov"
    label = "egov"
    verbose_name = _("Online applications")

    def ready(self):
        # What the EGOV case type needs from the engine (cases.extensions): filed only here
        # (an application needs its Application record), worked by the bodies of its route
        # (egov.holders), timed by its item's promised working days, shown on its own page.
        from meihao.cases import extensions
        from meihao.egov import notifications  # noqa: F401  (its kinds and fan-out handler)
        from meihao.egov.holders import EGOV_HOLDERS
        from meihao.egov.models import COUNTER_CODE, EGOV_CODE
        from meihao.egov.vocabulary import EGOV_WORDS

        extensions.register_app_filed(EGOV_CODE)
        # A counter visit is filed and closed by egov.services.counter_visit_record only.
        extensions.register_app_filed(COUNTER_CODE)
        extensions.register_holders(EGOV_CODE, EGOV_HOLDERS)
        extensions.register_handling_limit(EGOV_CODE, promised_limit)
        extensions.register_vocabulary(EGOV_CODE, EGOV_WORDS)
        extensions.register_detail_url(
            EGOV_CODE, lambda case: reverse("egov:detail", args=[case.number])
        )


def promised_limit(case) -> tuple[int, str]:
    from meihao.catalogue.models import ServiceItem

    days = (
        ServiceItem.objects.filter(applications__case=case)
        .values_list("promised_days", flat=True)
        .first()
    )
    # An item promised "on the spot" (0 days) is still decided within the working day.
    return max(days or 1, 1), "work_days"
