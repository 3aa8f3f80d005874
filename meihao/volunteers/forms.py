"""Forms of the volunteer pages: they parse what was typed; the services decide what is allowed.

A domain error raised by a service is put back on the form field it names
(`core.forms.add_domain_error`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.forms import BootstrapForm, date_input
from meihao.people.models import Team, TeamMember
from meihao.volunteers.models import RedArmbandDuty, ServiceArea
from meihao.volunteers.tiers import ALLIANCE_KINDS


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
