from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "meihao.legal"
    label = "legal"
    verbose_name = _("Legal advisors")

    def ready(self):
        # What the LEGAL case type needs from the engine (cases.extensions): filed only here (a
        # consultation needs its record), read by its advisors and the resident alone (the
        # place roles see counts, never the question), worded for residents, shown on its page.
        from django.urls import reverse

        from meihao.activities.extensions import register_finish_effects
        from meihao.cases import extensions
        from meihao.legal.holders import CONSULTATION_HOLDERS, DISPUTE_HOLDERS, PARTIES
        from meihao.legal.models import DISPUTE_CODE, LEGAL_CODE
        from meihao.legal.services import SESSION_KINDS, count_session_hours
        from meihao.legal.vocabulary import CONSULTATION_WORDS, DISPUTE_WORDS

        extensions.register_app_filed(LEGAL_CODE)
        extensions.register_holders(LEGAL_CODE, CONSULTATION_HOLDERS)
        extensions.register_confidential(LEGAL_CODE)
        extensions.register_vocabulary(LEGAL_CODE, CONSULTATION_WORDS)
        # A duty or legal-education session an advisor attended counts toward their hours.
        for kind in SESSION_KINDS:
            register_finish_effects(kind, count_session_hours)
        extensions.register_detail_url(
            LEGAL_CODE, lambda case: reverse("legal:consultation", args=[case.number])
        )
        # A dispute (矛盾纠纷): taken in here with its parties, held by its mediator, the staff
        # who took it in and, once major, the street; parties who are residents read their own.
        extensions.register_app_filed(DISPUTE_CODE)
        extensions.register_holders(DISPUTE_CODE, DISPUTE_HOLDERS)
        extensions.register_acting_for(DISPUTE_CODE, PARTIES)
        extensions.register_confidential(DISPUTE_CODE)
        extensions.register_vocabulary(DISPUTE_CODE, DISPUTE_WORDS)
        extensions.register_detail_url(
            DISPUTE_CODE, lambda case: reverse("legal:dispute", args=[case.number])
        )
