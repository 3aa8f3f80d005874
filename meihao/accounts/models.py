"""One-time SMS codes and the record of a resident's self-registration."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meihao.core import pii


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    LOGIN = "login", _("Log-in")
    RESET = "reset", _("Password reset")


class SmsCode(models.Model):
    """The code last sent to a mobile number for one purpose.

    Only a keyed hash of the code is stored (`accounts.services.code_hash`): the database alone
    does not tell the code. A new code replaces the earlier one, so a number has at most one
    live code per purpose; a code is spent by its first right use, and dies after
    `SMS_CODE_TTL_MINUTES` or `SMS_CODE_MAX_ATTEMPTS` wrong tries.
    """

    phone = models.CharField(_("mobile number"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    wrong_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        constraints = [
            models.UniqueConstraint(fields=["phone", "purpose"], name="sms_code_phone_purpose")
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} · {pii.mask_phone(self.phone)}"


class SelfRegistration(models.Model):
    """A log-in the resident created with an SMS code, not staff. It holds the resident role for
    nothing beyond the user's own records until staff place them; the real-name details (name,
    ID number) are asked for by the feature that needs them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_registration"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("self-registration")
        verbose_name_plural = _("self-registrations")

    def __str__(self):
        return str(self.user)
