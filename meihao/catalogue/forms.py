from django import forms
from django.utils.translation import gettext_lazy as _

from meihao.catalogue.guides import Guide, MaterialSpec
from meihao.catalogue.models import (
    ALIASES_MAX,
    NAME_MAX,
    SHORT_TEXT_MAX,
    TEXT_MAX,
    Certificate,
    HeldData,
    ItemLevel,
    ItemType,
    LifeEvent,
)
from meihao.catalogue.routes import DEFAULT_ROUTE, ROUTES
from meihao.catalogue.services import MAX_DAYS, MAX_MATERIALS, MAX_VISITS
from meihao.core.forms import BootstrapForm

MATERIAL_SEPARATORS = ("|", "｜")
PARTS = 5
# The fifth part of a material's line: the guide offers a blank form for it.
FORM_MARK = _("form")


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def material_lines(materials) -> str:
    """Materials as the editor shows them: one per line, name | form | note | held data |
    表格 when the guide offers a blank form."""
    lines = []
    for m in materials:
        held = HeldData(m.held).label if m.held else ""
        parts = [m.name, m.form, m.note, str(held), str(FORM_MARK) if m.has_form else ""]
        lines.append(" | ".join(parts).rstrip(" |"))
    return "\n".join(lines)


class MaterialsField(forms.CharField):
    """One material per line: name | form and copies | note | what the platform holds (身份证,
    户籍, …), the last three optional."""

    def to_python(self, value):
        text = super().to_python(value)
        held_by_label = {str(label): code for code, label in HeldData.choices}
        held_by_label.update({code: code for code in HeldData.values})
        specs = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            for separator in MATERIAL_SEPARATORS[1:]:
                line = line.replace(separator, MATERIAL_SEPARATORS[0])
            parts = [part.strip() for part in line.split(MATERIAL_SEPARATORS[0])]
            parts += [""] * (PARTS - len(parts))
            if len(parts) > PARTS:
                raise forms.ValidationError(
                    _("Line %(number)s has more than five parts.") % {"number": number}
                )
            name, form, note, held, blank = parts
            if blank and blank not in (str(FORM_MARK), "form"):
                raise forms.ValidationError(
                    _("Line %(number)s: the fifth part is “%(mark)s” or nothing.")
                    % {"number": number, "mark": FORM_MARK}
                )
            if held and held not in held_by_label:
                raise forms.ValidationError(
                    _("Line %(number)s: the platform holds only %(choices)s.")
                    % {"number": number, "choices": "、".join(str(c) for c in HeldData.labels)}
                )
            specs.append(
                MaterialSpec(
                    name=name,
                    form=form,
                    note=note,
                    held=held_by_label.get(held, ""),
                    has_form=bool(blank),
                )
            )
        if len(specs) > MAX_MATERIALS:
            raise forms.ValidationError(_("At most %(max)s materials.") % {"max": MAX_MATERIALS})
        return tuple(specs)


class ItemForm(BootstrapForm):
    name = forms.CharField(label=_("Item name"), max_length=NAME_MAX)
    aliases = forms.CharField(
        label=_("Common names"),
        max_length=ALIASES_MAX,
        required=False,
        help_text=_("What residents call it, comma-separated (低保, 医保): found by search."),
    )
    item_type = forms.ChoiceField(label=_("Item type"), choices=ItemType.choices)
    department = forms.ModelChoiceField(label=_("Competent department"), queryset=None)
    issuer_code = forms.CharField(
        label=_("Implementing body's unified social credit code"),
        max_length=18,
        help_text=_("18 characters; the item code is this code, the type code and a serial."),
    )
    implementing_body = forms.CharField(label=_("Implementing body"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=ItemLevel.choices)
    community_assists = forms.BooleanField(
        label=_("The community assists with intake"), required=False
    )
    route = forms.ChoiceField(
        label=_("Where applications go"),
        choices=list(ROUTES.items()),
        initial=DEFAULT_ROUTE,
        help_text=_("From who takes it in to the body legally competent to decide."),
    )
    certificate = forms.ChoiceField(
        label=_("Certificate issued"),
        choices=[("", _("None"))] + Certificate.choices,
        required=False,
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=TEXT_MAX, widget=_textarea(3))
    statutory_days = forms.IntegerField(
        label=_("Statutory time limit (working days)"), min_value=0, max_value=MAX_DAYS
    )
    promised_days = forms.IntegerField(
        label=_("Promised time limit (working days)"), min_value=0, max_value=MAX_DAYS
    )
    conditions = forms.CharField(label=_("Conditions"), max_length=TEXT_MAX, widget=_textarea())
    materials = MaterialsField(
        label=_("Materials"),
        max_length=TEXT_MAX,
        required=False,
        widget=_textarea(6),
        help_text=_(
            "One per line: name | form and copies | note | what the platform holds (身份证, 户籍, "
            "居住地址, 证件照) | 表格 when the guide offers a blank form; all but the name "
            "optional. A material the platform holds can be waived."
        ),
    )
    steps = forms.CharField(
        label=_("Steps"), max_length=TEXT_MAX, widget=_textarea(), help_text=_("One step per line.")
    )
    fees = forms.CharField(label=_("Fees"), max_length=SHORT_TEXT_MAX)
    place_hours = forms.CharField(
        label=_("Where and when"), max_length=SHORT_TEXT_MAX * 2, widget=_textarea(2)
    )
    phone = forms.CharField(label=_("Consultation phone"), max_length=20)
    complaint = forms.CharField(label=_("Complaint channel"), max_length=SHORT_TEXT_MAX)
    faq = forms.CharField(
        label=_("Frequently asked questions"),
        max_length=TEXT_MAX,
        required=False,
        widget=_textarea(6),
        help_text=_("A question on one line, its answer on the next, a blank line between pairs."),
    )
    visits = forms.IntegerField(
        label=_("Visits to a counter"), min_value=0, max_value=MAX_VISITS, initial=1
    )
    online = forms.BooleanField(label=_("Can be done online"), required=False)
    life_events = forms.MultipleChoiceField(
        label=_("Life events"), choices=LifeEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    form_schema = forms.JSONField(
        label=_("Application form fields"),
        required=False,
        widget=_textarea(6),
        help_text=_(
            'What the application form asks beyond the materials, as JSON: {"properties": '
            '{"household": {"type": "integer", "title": "家庭人口数", "minimum": 1}}, '
            '"required": ["household"]}. Types: string, integer, number, boolean; also enum, '
            "maxLength, minimum, maximum."
        ),
    )
    is_active = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def guide(self) -> Guide:
        data = dict(self.cleaned_data)
        department = data.pop("department")
        return Guide(
            department_id=department.pk,
            materials=data.pop("materials"),
            life_events=tuple(data.pop("life_events")),
            form_schema=data.pop("form_schema") or {},
            **data,
        )
