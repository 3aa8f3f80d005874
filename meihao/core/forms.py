"""The page forms' kit: Bootstrap-styled forms, hours typed as people say them, and a service's
domain error put back on the field it names.

Forms parse what was typed; the services decide what is allowed. Templates render a field with
`core/_field.html` and a form's non-field errors with `core/_form_errors.html`.
"""

import decimal
from collections.abc import Mapping

from django import forms

from meihao.core.errors import DomainError
from meihao.core.inputs import CheckedForm

MAX_HOURS = decimal.Decimal(24)


def date_input() -> forms.DateInput:
    # A browser date picker sends and shows ISO dates, whatever the language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(
    form: forms.Form, error: DomainError, renamed: Mapping[str, str] | None = None
) -> None:
    """A service's refusal on the form field it names (`renamed`: the service's name of a field
    → the form's, where they differ), else on the whole form."""
    field = (renamed or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))


def hours_to_minutes(hours: decimal.Decimal) -> int:
    return int((hours * 60).to_integral_value(rounding=decimal.ROUND_HALF_UP))


class BootstrapForm(CheckedForm, forms.Form):
    """Bootstrap 5 classes on every widget, so templates render fields with one include
    (`core/_field.html`); a field with an error is marked invalid for the eye and the screen
    reader."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue  # the template draws each choice as a Bootstrap check
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            attrs = self.fields[field].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"


class HoursField(forms.DecimalField):
    """Hours as people say them (1.5), stored as whole minutes (`hours_to_minutes`)."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=decimal.Decimal("0.1"),
            max_value=MAX_HOURS,
            max_digits=4,
            decimal_places=1,
            widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            **kwargs,
        )
