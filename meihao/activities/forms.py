"""Forms of the activity pages: they parse what was typed; the services decide what is valid."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.activities import selectors
from meihao.activities.extensions import owned_kinds
from meihao.activities.models import Activity
from meihao.core.forms import BootstrapForm

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
_ROLE_LINE = re.compile(r"^(?P<role>.+?)[\s:：×xX*]+(?P<count>\d+)$")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def roles_to_text(roles: list[dict]) -> str:
    return "\n".join(f"{entry['role']} {entry['count']}" for entry in roles)


class ActivityForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.ModelChoiceField(label=pgettext_lazy("owning area", "Place"), queryset=None)
    organiser_team = forms.ModelChoiceField(
        label=_("Organising team"), queryset=None, required=False
    )
    organiser = forms.ModelChoiceField(
        label=_("Organising organisation"), queryset=None, required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    online_url = forms.CharField(label=_("Online link"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), input_formats=[DATETIME_LOCAL], widget=DateTimeLocalInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), input_formats=[DATETIME_LOCAL], widget=DateTimeLocalInput()
    )
    capacity = forms.IntegerField(label=pgettext_lazy("activity places", "Capacity"), min_value=1)
    roles_needed = forms.CharField(
        label=_("Roles needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "治安员 2\n宣传员 3"}),
        help_text=_(
            "One role a line: its name and how many people, e.g. “治安员 2”. Leave empty "
            "when everyone signs up alike."
        ),
    )
    checkin_radius_m = forms.IntegerField(
        label=_("Check-in radius (m)"),
        initial=200,
        help_text=_("Check-in by location works within this distance of the venue."),
    )
    late_after_minutes = forms.IntegerField(
        label=_("Late after (minutes)"),
        initial=15,
        help_text=_("Checking in later than this after the start counts as late."),
    )
    attendance_percent = forms.IntegerField(
        label=_("Minimum attendance (%)"),
        initial=50,
        min_value=1,
        max_value=100,
        help_text=_(
            "Service hours are credited only to those present at least this share of "
            "the planned time."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Kinds another app owns are arranged on that app's pages (a party meeting on its
        # branch's page).
        owned = owned_kinds()
        self.fields["kind"].choices = [c for c in Activity.Kind.choices if c[0] not in owned]
        self.fields["place"].queryset = selectors.organiser_places(user)
        self.fields["organiser_team"].queryset = selectors.organiser_teams(user)
        self.fields["organiser"].queryset = selectors.organiser_organisations(user)

    @classmethod
    def initial_from(cls, activity: Activity) -> dict:
        initial = {
            name: getattr(activity, name)
            for name in (
                "kind",
                "title",
                "description",
                "place",
                "organiser_team",
                "organiser",
                "venue",
                "address",
                "lat",
                "lon",
                "online_url",
                "starts_at",
                "ends_at",
                "capacity",
                "checkin_radius_m",
                "late_after_minutes",
            )
        }
        initial["roles_needed"] = roles_to_text(activity.roles_needed)
        initial["attendance_percent"] = int(activity.min_attendance_share * 100)
        return initial

    def clean_roles_needed(self) -> list[dict]:
        roles = []
        for number, line in enumerate(self.cleaned_data["roles_needed"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = _ROLE_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(number)s: write the role and a number, e.g. “治安员 2”."),
                    params={"number": number},
                )
            roles.append({"role": match["role"].strip(), "count": int(match["count"])})
        return roles

    def activity_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data["min_attendance_share"] = Decimal(data.pop("attendance_percent")) / 100
        return data


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ServiceRecordForm(BootstrapForm):
    phone = forms.CharField(
        label=_("Volunteer's mobile number"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    service_date = forms.DateField(
        label=_("Service date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.ModelChoiceField(label=pgettext_lazy("owning area", "Place"), queryset=None)
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None, required=False)
    content = forms.CharField(label=_("Service content"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.1"),
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    recording_organisation = forms.CharField(label=_("Recording organisation"), max_length=100)
    person_in_charge = forms.CharField(label=_("Person in charge"), max_length=50)
    evidence = forms.FileField(
        label=_("Evidence (photo)"),
        help_text=_("A photo of the sign-in sheet or another proof; JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = selectors.organiser_places(user)
        self.fields["activity"].queryset = selectors.recent_organised_activities(user)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        person = selectors.person_by_phone(phone)
        if person is None:
            raise forms.ValidationError(_("Nobody is registered with this mobile number."))
        self.person = person
        return phone

    def record_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("phone")
        data["minutes"] = int(data.pop("hours") * 60)
        data["person"] = self.person
        return data
