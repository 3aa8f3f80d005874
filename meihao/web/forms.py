from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from meihao.core.inputs import CheckedForm, phone_digits


class PhoneLoginForm(CheckedForm, AuthenticationForm):
    """Log in with a mainland mobile number and a password."""

    username = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "inputmode": "tel",
                "class": "form-control form-control-lg",
                "placeholder": _("11-digit mobile number"),
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control form-control-lg"}
        ),
    )

    error_messages = {
        "invalid_login": _(
            "The mobile number or the password is wrong. Please check them and try again."
        ),
        "inactive": _("This account has been disabled. Please contact your community office."),
    }

    def clean_username(self):
        return phone_digits(self.cleaned_data["username"])


def login_username(request, credentials=None) -> str:
    """The log-in name axes counts failures under: the digits, so that "138 0000 0001" and
    "13800000001" are one account to lock, not two."""
    source = credentials if credentials is not None else request.POST
    return phone_digits(str(source.get("username") or ""))


class CheckedPasswordChangeForm(CheckedForm, PasswordChangeForm):
    """Django's password change with the kit's input checks and refusal status."""
