from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "meihao.bulletins"
    label = "bulletins"
    verbose_name = _("Notices")

    def ready(self):
        from meihao.bulletins import notifications  # noqa: F401 - registers its message kind
