"""Forms of the volunteer pages: they parse what was typed; the services decide what is allowed.

A domain error raised by a service is put back on the form field it names (`add_domain_error`).
"""

import decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.inputs import CheckedForm
from meihao.people.models import Team, TeamMember
from meihao.volunteers.models import RedArmbandDuty, ServiceArea
from meihao.volunteers.tiers import ALLIANCE_KINDS

MAX_HOURS = decimal.Decimal(24)


def date_input() -> forms.DateInput:
    # A browser date picker sends and shows ISO dates, whatever the language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(form: forms.Form, error) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def hours_to_minutes(hours: decimal.Decimal) -> int:
    return int((hours * 60).to_integral_value(rounding=decimal.ROUND_HALF_UP))


class BootstrapForm(CheckedForm, forms.Form):
    """Bootstrap 5 classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class HoursField(forms.DecimalField):
    """Hours as people say them (1.5), stored as whole minutes."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=decimal.Decimal("0.1"),
            max_value=MAX_HOURS,
            max_digits=4,
            decimal_places=1,
            widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            **kwargs,
        )


class RegisterForm(BootstrapForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    real_name = forms.CharField(label=_("Real name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID-card number"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. first aid, calligraphy, driving")}),
    )
    service_areas = forms.MultipleChoiceField(
        label=_("I would like to help with"),
        choices=ServiceArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=50, required=False)
    guardian_phone = forms.CharField(
        label=_("Guardian's mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    guardian_consent = forms.BooleanField(
        label=_("My guardian has read the text above and agrees to my registration."),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and agree to the use of my personal data."),
        required=False,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class TeamCreateForm(BootstrapForm):
    name = forms.CharField(label=_("Team name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"))
    parent = forms.ModelChoiceField(
        label=_("Belongs to"),
        queryset=None,
        required=False,
        empty_label=_("— none: this is the district alliance —"),
    )
    place = forms.ModelChoiceField(label=_("Based in"), queryset=None)

    def __init__(self, *args, parents, places, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Team.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in ALLIANCE_KINDS]
        self.fields["parent"].queryset = parents
        self.fields["place"].queryset = places


def _duty_field(red_armband: bool) -> forms.Field:
    if red_armband:
        return forms.ChoiceField(label=_("Duty in the team"), choices=RedArmbandDuty.choices)
    return forms.CharField(label=_("Duty in the team"), max_length=32, required=False)


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        return f"{profile.person.real_name} · {profile.person.phone_masked}"


class JoinForm(BootstrapForm):
    def __init__(self, *args, red_armband: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if red_armband:
            self.fields["duty"] = _duty_field(True)
            self.style_widgets()


class MemberForm(BootstrapForm):
    position = forms.ChoiceField(label=_("Position"), choices=TeamMember.Position.choices)

    def __init__(self, *args, red_armband: bool, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if volunteers is not None:
            self.fields["volunteer"] = VolunteerChoiceField(
                label=_("Volunteer"), queryset=volunteers
            )
            self.order_fields(["volunteer", "position"])
        self.fields["duty"] = _duty_field(red_armband)
        self.style_widgets()


class CommunityForm(BootstrapForm):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=None, empty_label=_("Choose a community…")
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class UnitForm(BootstrapForm):
    organisation = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, empty_label=_("Choose a unit…")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CertificateForm(BootstrapForm):
    content = forms.CharField(
        label=_("Service covered"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. public-safety patrols and elderly visits in 骑楼社区"),
    )
    issuer_name = forms.CharField(
        label=_("Issuing organisation"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the community's name."),
    )
    period_start = forms.DateField(label=_("First day"), required=False, widget=date_input())
    period_end = forms.DateField(label=_("Last day"), required=False, widget=date_input())


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
