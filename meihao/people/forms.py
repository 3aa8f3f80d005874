from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.forms import BootstrapForm
from meihao.core.inputs import CheckedForm
from meihao.people.excel import MAX_IMPORT_BYTES


class ImportForm(CheckedForm, forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": MAX_IMPORT_BYTES // 1024 // 1024},
            )
        return upload


class ApiTokenForm(CheckedForm, forms.Form):
    name = forms.CharField(
        label=_("What will use the token?"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. my phone app")}),
    )


def _communities_by_street() -> list:
    """The district's communities, grouped by street, for a resident to find their own."""
    from meihao.places.models import Level, Place

    streets: dict[str, list] = {}
    communities = Place.objects.filter(level=Level.COMMUNITY).select_related("parent")
    for community in communities.order_by("path"):
        street = community.parent.name if community.parent else ""
        streets.setdefault(street, []).append((community.code, community.name))
    return [("", _("Choose your community")), *streets.items()]


class OwnDetailsForm(BootstrapForm):
    """实名登记: what a resident enters about themselves when a service first needs it."""

    real_name = forms.CharField(label=_("Real name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID-card number"),
        max_length=20,
        help_text=_("Stored encrypted; pages show only its first and last digits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    community = forms.ChoiceField(label=_("The community you live in"))
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Building, unit and room, e.g. 3栋2单元501"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _communities_by_street()  # type: ignore[attr-defined]

    def clean_community(self):
        from meihao.places.models import Level, Place

        code = self.cleaned_data["community"]
        place = Place.objects.filter(level=Level.COMMUNITY, code=code).first()
        if place is None:
            raise forms.ValidationError(_("Choose the community you live in."))
        return place
