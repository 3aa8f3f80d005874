"""The notification preferences form: one choice of channel per kind, and the addresses."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meihao.core.forms import BootstrapForm
from meihao.notify.kinds import NotifyBy
from meihao.notify.models import wecom_url_validator
from meihao.notify.services import digest_minutes

FIELD_PREFIX = "kind_"


def kind_label(kind) -> str:
    """What the page calls a kind; a digested kind also says how often its digest comes
    (NOTIFY_DIGEST_MINUTES), read when the page is drawn."""
    if not kind.digested:
        return str(kind.label)
    minutes = digest_minutes()
    return ngettext(
        "%(kind)s (one digest every %(minutes)d minute)",
        "%(kind)s (one digest every %(minutes)d minutes)",
        minutes,
    ) % {"kind": kind.label, "minutes": minutes}


class PreferencesForm(BootstrapForm):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("For the kinds of message you want by email."),
    )
    wecom_webhook_url = forms.CharField(
        label=_("WeCom group robot webhook URL"),
        required=False,
        max_length=500,
        validators=[wecom_url_validator],
        help_text=_(
            "Make a WeCom group of your own, add a group robot and copy its webhook address "
            "(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)."
        ),
    )

    def __init__(self, *args, rows, **kwargs):
        """`rows`: (kind, current channel, default channel) per kind the user may receive."""
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, current, default in rows:
            name = FIELD_PREFIX + kind.code
            self.fields[name] = forms.ChoiceField(
                label=kind_label(kind),
                choices=NotifyBy.choices,
                initial=current.value,
                widget=forms.RadioSelect,
            )
            self.rows.append((kind, name, NotifyBy(default)))
        self.style_widgets()

    def style_widgets(self):
        super().style_widgets()
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "btn-check"

    def channels(self) -> dict[str, str]:
        return {kind.code: self.cleaned_data[name] for kind, name, _default in self.rows}

    def kind_fields(self):
        """(bound field, the kind's default channel) per row, for the template."""
        return [(self[name], default) for _kind, name, default in self.rows]
