"""Forms of the rewards pages: they parse and type the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meihao.core.forms import BootstrapForm


class PartnerMerchantForm(BootstrapForm):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 9:00–21:00 daily")}),
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    joined_on = forms.DateField(
        label=_("Partner since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("Honours points now"), required=False, initial=True)
    red_armband_alliance = forms.BooleanField(
        label=_("In the red-armband merchant alliance"), required=False
    )


class NewPartnerMerchantForm(PartnerMerchantForm):
    organisation = forms.ModelChoiceField(
        label=_("Merchant"),
        queryset=None,
        empty_label=_("Choose a merchant"),
        error_messages={"invalid_choice": _("Choose a merchant in your area.")},
    )
    field_order = ["organisation"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = candidates


class RewardItemForm(BootstrapForm):
    name = forms.CharField(label=pgettext_lazy("reward item", "Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )
    points_cost = forms.IntegerField(label=_("Points"), min_value=1, max_value=1_000_000)
    limit_per_person = forms.IntegerField(
        label=_("Limit per person"),
        required=False,
        min_value=1,
        help_text=_("How many one person may redeem in all; empty for no limit."),
    )
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)


class NewRewardItemForm(RewardItemForm):
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000, initial=0)


class RestockForm(BootstrapForm):
    change = forms.IntegerField(
        label=_("Add (or take away with a minus sign)"),
        min_value=-1_000_000,
        max_value=1_000_000,
    )


class RefundForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason for the refund"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason for the refund.")},
    )
