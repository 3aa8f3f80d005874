from django import forms
from django.contrib import admin

from meihao.core.errors import ValidationFailed
from meihao.eldercare import services
from meihao.eldercare.models import AssessmentScale


class ScaleForm(forms.ModelForm):
    class Meta:
        model = AssessmentScale
        fields = ["code", "name", "definition"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.scale_validate(
                    code=cleaned["code"], name=cleaned["name"], definition=cleaned["definition"]
                )
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from None
        return cleaned


@admin.register(AssessmentScale)
class AssessmentScaleAdmin(admin.ModelAdmin):
    """Where the district adopts its province's version of the assessment table: saving one
    makes it the table new assessments are scored with."""

    form = ScaleForm
    list_display = ["code", "name", "is_current", "updated_at"]

    def save_model(self, request, obj, form, change):
        adopted = services.scale_adopt(
            actor=request.user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            definition=form.cleaned_data["definition"],
        )
        obj.pk = adopted.pk

    def has_delete_permission(self, request, obj=None):
        return False
