from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.forms import BootstrapForm
from meihao.wall.models import NAME_MAX


class IssueForm(BootstrapForm):
    name = forms.CharField(
        label=_("Screen name"),
        max_length=NAME_MAX,
        help_text=_("Where it hangs, e.g. 指挥中心大屏."),
    )
    place = forms.TypedChoiceField(label=_("Shows"), coerce=int)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {place.pk: place for place in places}
        self.fields["place"].choices = [(place.pk, place.name) for place in places]
