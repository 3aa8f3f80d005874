from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldercareConfig(AppConfig):
    name = "meihao.eldercare"
    label = "eldercare"
    verbose_name = _("Home care for elders")

    def ready(self):
        # Visits to elders (VISIT) are filed by the schedule only (eldercare.visits).
        from meihao.cases import extensions
        from meihao.eldercare.family import family_acting_for
        from meihao.eldercare.visits import VISIT_CODE
        from meihao.eldercare.vocabulary import VISIT_WORDS

        extensions.register_app_filed(VISIT_CODE)
        # A visit is filed by the schedule every week: no news for the officials' digest.
        extensions.register_own_notices(VISIT_CODE)
        extensions.register_vocabulary(VISIT_CODE, VISIT_WORDS)
        # A family member acting for the elder confirms the visit as the elder would.
        extensions.register_acting_for(VISIT_CODE, family_acting_for)
