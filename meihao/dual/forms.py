"""Forms of the dual-registration pages: they parse what was typed; the services decide what
is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.forms import BootstrapForm, HoursField, date_input


class UnitRegistrationForm(BootstrapForm):
    organisation = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    def __init__(self, *args, units, communities, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["community"].queryset = communities
        self.fields["year"].choices = [(year, year) for year in years]


class MemberRegistrationForm(BootstrapForm):
    phone = forms.CharField(
        label=_("Party member's mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, units, communities, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["community"].queryset = communities
        self.fields["year"].choices = [(year, year) for year in years]


class PostForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    expected_hours = HoursField(label=_("Expected hours"))
    slots = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=500)

    def __init__(self, *args, communities, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["year"].choices = [(year, year) for year in years]


class ConfirmForm(BootstrapForm):
    hours = HoursField(label=_("Hours served"))
    service_date = forms.DateField(label=_("Service date"), widget=date_input())
    note = forms.CharField(label=_("Confirmation note"), max_length=500, required=False)
