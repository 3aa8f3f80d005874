"""The account pages' forms: a mobile number, the code texted to it, a new password.

Each page's form also sends the code: its "send code" button submits the same form with
`action=send`, and then only the number is required (`sending=True`)."""

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from meihao.core.forms import BootstrapForm
from meihao.core.inputs import phone_digits
from meihao.people.models import mobile_validator


class PhoneField(forms.CharField):
    default_validators = [mobile_validator]

    def __init__(self, **kwargs):
        attrs = {
            "inputmode": "tel",
            "autocomplete": "tel-national",
            "placeholder": _("11-digit mobile number"),
        }
        super().__init__(
            label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=attrs), **kwargs
        )

    def to_python(self, value):
        return phone_digits(super().to_python(value))


class CodeField(forms.CharField):
    default_validators = [
        RegexValidator(r"^[0-9]{6}$", _("The code is the 6 digits in the text message."))
    ]

    def __init__(self, **kwargs):
        attrs = {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": "6",
            "placeholder": _("6 digits"),
        }
        super().__init__(
            label=_("SMS code"), max_length=6, widget=forms.TextInput(attrs=attrs), **kwargs
        )


class CodeForm(BootstrapForm):
    phone = PhoneField()
    code = CodeField()

    def __init__(self, *args, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        self._waiting = [name for name, field in self.fields.items() if field.required]
        if sending:
            # A new code is on its way: what was typed in the other fields is not read.
            self.data = self.data.copy()
            for name in self._waiting:
                if name != "phone":
                    self.fields[name].required = False
                    self.data[name] = ""

    def clean(self):
        data = super().clean()
        if self.sending:
            # Only the number is read when sending; what else was typed waits for the submit,
            # and the form shown again marks those fields required as before.
            for name in self._waiting:
                self.fields[name].required = True
            return {"phone": data.get("phone")} if "phone" in data else {}
        return data


class NewPasswordForm(CodeForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        data = super().clean()
        if self.sending:
            return data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
