"""The form staff schedule a guided visit with: it parses what was typed into the choices the
user has; the service decides what is allowed (a time to come, the places, the scope)."""

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meihao.activities.forms import DATETIME_LOCAL, DateTimeLocalInput
from meihao.core.forms import BootstrapForm
from meihao.redculture import selectors
from meihao.redculture.services import VISIT_CAPACITY, VISIT_NOTE_MAX


class VisitForm(BootstrapForm):
    route = forms.ModelChoiceField(
        label=_("Route"),
        queryset=None,
        error_messages={
            "required": _("Choose a published red-culture route."),
            "invalid_choice": _("Choose a published red-culture route."),
        },
    )
    starts_at = forms.DateTimeField(
        label=_("Meets at"),
        input_formats=[DATETIME_LOCAL],
        widget=DateTimeLocalInput(),
        error_messages={
            "required": _("Enter the date and time the visit starts."),
            "invalid": _("Enter the date and time the visit starts."),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        input_formats=[DATETIME_LOCAL],
        widget=DateTimeLocalInput(),
        error_messages={
            "required": _("Enter the date and time the visit ends."),
            "invalid": _("Enter the date and time the visit ends."),
        },
    )
    # The service says what a number of places may be; the form only reads a whole number.
    capacity = forms.IntegerField(
        label=pgettext_lazy("activity places", "Capacity"),
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    place = forms.ModelChoiceField(
        label=pgettext_lazy("owning area", "Place"),
        queryset=None,
        required=False,
        empty_label=_("Where the route starts"),
        help_text=_("The place the visit is counted in; it meets at the route's first stop."),
        error_messages={
            "invalid_choice": _(
                "Choose a place inside your area, or a team you lead to organise the visit at "
                "the route's first stop."
            )
        },
    )
    organiser_team = forms.ModelChoiceField(
        label=_("Guiding team"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a team of your area or one you lead.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": VISIT_NOTE_MAX}),
        help_text=_("What walkers should know: the guide, what to bring, the pace."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = selectors.visit_routes()
        self.fields["place"].queryset = selectors.visit_places(user)
        self.fields["organiser_team"].queryset = selectors.visit_teams(user)
        capacity = gettext(
            "Give the number of places as a whole number from %(low)s to %(high)s."
        ) % {
            "low": VISIT_CAPACITY[0],
            "high": VISIT_CAPACITY[1],
        }
        self.fields["capacity"].error_messages.update(required=capacity, invalid=capacity)
