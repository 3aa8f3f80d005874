from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "meihao.timebank"
    label = "timebank"
    verbose_name = _("Time bank")

    def ready(self):
        # What the TIMEBANK case type needs from the engine (cases.extensions): filed only here
        # (a request needs its HelpRequest), claimed by members, paid when confirmed, shown on
        # the time bank's request page.
        from meihao.cases import extensions
        from meihao.timebank.models import TIMEBANK_CODE
        from meihao.timebank.services import help_request_settle, member_claim_group
        from meihao.timebank.vocabulary import HELP_REQUEST_WORDS

        extensions.register_app_filed(TIMEBANK_CODE)
        extensions.register_claim_group(TIMEBANK_CODE, member_claim_group)
        extensions.register_close_effects(TIMEBANK_CODE, help_request_settle)
        extensions.register_vocabulary(TIMEBANK_CODE, HELP_REQUEST_WORDS)
        extensions.register_detail_url(
            TIMEBANK_CODE, lambda case: reverse("timebank:request", args=[case.number])
        )
