"""Forms of the providers' pages: they parse and type what was typed; the services
(`care.services.providers`) decide what is allowed."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meihao.care import provider_selectors
from meihao.care.models import CareService, CertificateKind, Provider, Skill
from meihao.care.selectors import orderable_services
from meihao.core.errors import NotFound
from meihao.core.forms import BootstrapForm, date_input
from meihao.core.inputs import parse_id
from meihao.people.validation import clean_phone


def time_input() -> forms.TimeInput:
    # A browser time picker sends and shows 24-hour HH:MM, whatever the language.
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class IdChoiceField(forms.ModelChoiceField):
    """A choice among rows by id: an id no one could mean (non-ASCII digits, past 64 bits) is
    refused before any query (the database would raise on it)."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ServicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name

    def _check_values(self, value):
        if any(parse_id(pk) is None for pk in value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


class PlacesField(forms.MultipleChoiceField):
    """Places ticked on a list: `listed` are offered, any of `places` is taken (a grid the
    user covers, say), and an id of a place outside `places` is NotFound, as a place out of the
    user's sight is everywhere."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, places, listed, **kwargs):
        super().__init__(choices=[(p.pk, self.label(p)) for p in listed], **kwargs)
        self.places = places

    @staticmethod
    def label(place) -> str:
        if place.parent_id and place.level == "community":
            return f"{place.name}（{place.parent.name}）"
        return place.name

    def clean(self, value):
        value = self.to_python(value)
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        ids = [parse_id(v) for v in value]
        if None in ids:
            raise ValidationError(_("Choose the places from the list."), code="invalid_choice")
        unique = list(dict.fromkeys(ids))
        found = {p.pk: p for p in self.places.filter(pk__in=unique)}
        if len(found) != len(unique):
            raise NotFound(_("No such place."))
        return [found[pk] for pk in unique]


class ProviderForm(BootstrapForm):
    """Where the provider is, what it offers, where and when: the register form and the edit
    form share it."""

    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "min": "-90", "max": "90"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "min": "-180", "max": "180"}),
        help_text=_(
            "Leave both empty to use this device's position, when registering on the spot."
        ),
    )
    services = ServicesField(
        label=_("Services offered"),
        queryset=None,
        error_messages={
            "required": _("Choose the services it offers."),
            "invalid_choice": _("Choose the services from the catalogue."),
            "invalid_pk_value": _("Choose the services from the catalogue."),
        },
    )
    opens_at = forms.TimeField(
        label=_("Opens at"), widget=time_input(), initial=datetime.time(8, 0)
    )
    closes_at = forms.TimeField(
        label=_("Closes at"), widget=time_input(), initial=datetime.time(20, 0)
    )
    on_call = forms.BooleanField(
        label=_("On call around the clock for one-tap help (助急)"), required=False
    )

    def __init__(self, *args, user, provider: Provider | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        services = orderable_services()
        if provider is not None:
            # What it offers stays on the list even when the catalogue has since retired it.
            services = CareService.objects.filter(
                Q(pk__in=services.values("pk")) | Q(pk__in=provider.services.values("pk"))
            )
        self.fields["services"].queryset = services.order_by("position", "code")
        self.fields["areas"] = PlacesField(
            label=_("Service areas"),
            places=provider_selectors.area_places(user),
            listed=provider_selectors.listed_area_places(user),
            required=False,
            help_text=_("Leave empty to serve the organisation's own place."),
        )

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if "lat" in data and "lon" in data and (lat is None or lon is None):
            self.add_error(
                "lat",
                _("Enter the position (latitude and longitude), or let this device share it."),
            )
        return data


class ProviderRegisterForm(ProviderForm):
    organisation = IdChoiceField(
        label=_("Merchant or organisation"),
        queryset=None,
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation to register."),
            "invalid_choice": _(
                "Choose an organisation of your places that is not a provider yet."
            ),
        },
    )
    kind = forms.ChoiceField(label=_("Kind of provider"), choices=Provider.Kind.choices)
    field_order = ["organisation", "kind", "address", "lat", "lon", "services", "areas"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["organisation"]
        field.queryset = provider_selectors.provider_candidates(user)
        field.label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()} · {o.place.name}）"
        self.order_fields(self.field_order)


class StaffForm(BootstrapForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("The person is found among the residents of your places."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    skills = forms.MultipleChoiceField(
        label=_("Service skills"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the staff member's skills.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = None

    def clean_phone(self):
        phone = clean_phone(self.cleaned_data["phone"])
        people = provider_selectors.staff_candidates(self.user, phone)
        if not people:
            raise ValidationError(_("Nobody in your places is registered with this mobile number."))
        if len(people) > 1:
            raise ValidationError(
                _(
                    "More than one person in your places has this mobile number; correct their "
                    "records on the resident list first."
                )
            )
        self.person = people[0]
        return phone


class StaffChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.person.real_name


class CertificateForm(BootstrapForm):
    staff = StaffChoiceField(
        label=_("Staff member"),
        queryset=None,
        empty_label=_("Choose a staff member"),
        error_messages={
            "required": _("Choose a staff member from the list."),
            "invalid_choice": _("Choose a staff member from the list."),
        },
    )
    kind = forms.ChoiceField(label=_("Certificate"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    expires_on = forms.DateField(label=_("Valid until"), widget=date_input())

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (
            provider.staff.filter(is_active=True).select_related("person").order_by("pk")
        )


class SuspendForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for suspending"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for suspending the provider.")},
    )
