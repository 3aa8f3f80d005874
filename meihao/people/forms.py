from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.core.inputs import CheckedForm
from meihao.people.excel import MAX_IMPORT_BYTES


class ImportForm(CheckedForm, forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": MAX_IMPORT_BYTES // 1024 // 1024},
            )
        return upload


class ApiTokenForm(CheckedForm, forms.Form):
    name = forms.CharField(
        label=_("What will use the token?"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. my phone app")}),
    )
