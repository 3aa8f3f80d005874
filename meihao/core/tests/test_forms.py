"""The page forms' kit: one Bootstrap form and one field template for every app."""

from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from meihao.core.errors import ValidationFailed
from meihao.core.forms import BootstrapForm, add_domain_error


class Sample(BootstrapForm):
    name = forms.CharField(max_length=10)
    kind = forms.ChoiceField(choices=[("a", "A")])
    agree = forms.BooleanField(required=False)
    note = forms.CharField(required=False)
    tags = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )


def test_widgets_get_bootstrap_classes():
    form = Sample()
    classes = {name: field.widget.attrs.get("class") for name, field in form.fields.items()}
    assert classes == {
        "name": "form-control",
        "kind": "form-select",
        "agree": "form-check-input",
        "note": "form-control",
        "tags": None,
    }


def test_a_service_error_lands_on_its_field_marked_invalid():
    form = Sample(data={"name": "甲", "kind": "a"})
    assert form.is_valid()
    add_domain_error(form, ValidationFailed("名字已被使用", field="name"))
    add_domain_error(form, ValidationFailed("整体不行", field="nonexistent"))
    assert form.errors == {"name": ["名字已被使用"], "__all__": ["整体不行"]}
    html = render_to_string("core/_field.html", {"field": form["name"]})
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert '<div class="invalid-feedback d-block">名字已被使用</div>' in html


def test_optional_fields_say_so_and_choices_are_checks():
    form = Sample()
    with translation.override("zh-hans"):
        note = render_to_string("core/_field.html", {"field": form["note"]})
        name = render_to_string("core/_field.html", {"field": form["name"]})
    assert "（选填）" in note and "（选填）" not in name
    tags = render_to_string("core/_field.html", {"field": form["tags"]})
    assert tags.count('class="form-check-input" type="checkbox" name="tags"') == 2
