from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.bulletins.models import BODY_MAX, TITLE_MAX, Notice
from meihao.core.forms import BootstrapForm


class NoticeForm(BootstrapForm):
    place = forms.ModelChoiceField(label=_("Published for"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        help_text=_("Empty: now. A later time schedules it."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    push_teams = forms.ModelMultipleChoiceField(
        label=_("Also push to these WeCom groups"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, places, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["push_teams"].queryset = teams  # type: ignore[attr-defined]
        if not teams.exists():
            del self.fields["push_teams"]


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=200)
