"""A case type's extra form fields: a small, documented subset of JSON Schema.

    {"type": "object",
     "properties": {"shop_name": {"type": "string", "title": "店名", "maxLength": 50},
                    "stalls": {"type": "integer", "minimum": 1, "maximum": 99},
                    "kind": {"type": "string", "enum": ["food", "goods"]},
                    "blocks_exit": {"type": "boolean"}},
     "required": ["shop_name"]}

Supported: types string / integer / number / boolean; `required`, `enum`, `maxLength`,
`minimum`, `maximum`, plus `title` and `description` for the form. Unknown fields in submitted
data are refused. Open311 service definitions are generated from the same schema.
"""

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed
from meihao.core.inputs import clean_text
from meihao.core.roles import Role

FIELD_TYPES = ("string", "integer", "number", "boolean")
FIELD_KEYWORDS = {"type", "title", "description", "enum", "maxLength", "minimum", "maximum"}
TOP_KEYWORDS = {"type", "properties", "required", "title", "description"}


def _bad_schema(message: str):
    return ValidationFailed(message, code="invalid_form_schema", field="form_schema")


def check_schema(schema) -> None:
    """Raise ValidationFailed unless `schema` is an object schema this module understands."""
    if schema in (None, {}):
        return
    if not isinstance(schema, dict):
        raise _bad_schema(_("The form schema must be a JSON object."))
    unknown = set(schema) - TOP_KEYWORDS
    if unknown:
        raise _bad_schema(
            _("Unsupported keys in the form schema: %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    if schema.get("type", "object") != "object":
        raise _bad_schema(_('The form schema must have "type": "object".'))
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise _bad_schema(_('"properties" must be an object.'))
    for name, spec in properties.items():
        if not isinstance(spec, dict) or spec.get("type") not in FIELD_TYPES:
            raise _bad_schema(
                _("Field %(name)s needs a type: string, integer, number or boolean.")
                % {"name": name}
            )
        unknown = set(spec) - FIELD_KEYWORDS
        if unknown:
            raise _bad_schema(
                _("Field %(name)s has unsupported keys: %(keys)s.")
                % {"name": name, "keys": ", ".join(sorted(unknown))}
            )
        if "enum" in spec and not (isinstance(spec["enum"], list) and spec["enum"]):
            raise _bad_schema(_("Field %(name)s: enum must be a non-empty list.") % {"name": name})
        for key in ("maxLength", "minimum", "maximum"):
            if key in spec and (
                isinstance(spec[key], bool) or not isinstance(spec[key], int | float)
            ):
                raise _bad_schema(
                    _("Field %(name)s: %(key)s must be a number.") % {"name": name, "key": key}
                )
    required = schema.get("required", [])
    if not isinstance(required, list) or any(r not in properties for r in required):
        raise _bad_schema(_('"required" must list fields that are defined in "properties".'))


def check_submit_roles(roles, *, field: str = "submit_roles") -> None:
    if not isinstance(roles, list) or any(r not in Role.values for r in roles):
        raise ValidationFailed(
            _("Roles must be a list of role codes: %(codes)s.") % {"codes": ", ".join(Role.values)},
            code="invalid_roles",
            field=field,
        )


def _type_ok(kind: str, value) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):  # bool is an int subclass; a tick box is not a number
        return False
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float) and math.isfinite(value)
    return isinstance(value, str)


def validate_data(schema, data) -> dict:
    """The submitted form data checked against `schema`, or ValidationFailed naming the field.

    Integers given as whole floats (3.0) are normalised to int; strings are stripped.
    """
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ValidationFailed(_("The form fields must be an object."), field="data")
    schema = schema or {}
    properties = schema.get("properties", {})
    unknown = sorted(set(data) - set(properties))
    if unknown:
        raise ValidationFailed(
            _("Unknown form field: %(name)s.") % {"name": unknown[0]},
            code="unknown_field",
            field=unknown[0],
        )
    clean = {}
    for name, spec in properties.items():
        value: Any = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if name in schema.get("required", []):
                raise ValidationFailed(
                    _("%(field)s is required.") % {"field": spec.get("title", name)},
                    code="required",
                    field=name,
                )
            continue
        label = spec.get("title", name)
        kind = spec["type"]
        if not _type_ok(kind, value):
            messages = {
                "string": _("%(field)s must be text."),
                "integer": _("%(field)s must be a whole number."),
                "number": _("%(field)s must be a number."),
                "boolean": _("%(field)s must be yes or no."),
            }
            raise ValidationFailed(messages[kind] % {"field": label}, code="type", field=name)
        if kind == "integer":
            value = int(value)
        if "enum" in spec and value not in spec["enum"]:
            raise ValidationFailed(
                _("%(field)s must be one of: %(choices)s.")
                % {"field": label, "choices": ", ".join(map(str, spec["enum"]))},
                code="enum",
                field=name,
            )
        if kind == "string" and "maxLength" in spec and len(value) > spec["maxLength"]:
            raise ValidationFailed(
                _("%(field)s must be at most %(limit)s characters.")
                % {"field": label, "limit": spec["maxLength"]},
                code="max_length",
                field=name,
            )
        if kind in ("integer", "number"):
            if "minimum" in spec and value < spec["minimum"]:
                raise ValidationFailed(
                    _("%(field)s must be at least %(limit)s.")
                    % {"field": label, "limit": spec["minimum"]},
                    code="minimum",
                    field=name,
                )
            if "maximum" in spec and value > spec["maximum"]:
                raise ValidationFailed(
                    _("%(field)s must be at most %(limit)s.")
                    % {"field": label, "limit": spec["maximum"]},
                    code="maximum",
                    field=name,
                )
        clean[name] = value
    return clean


# A page's inputs for a schema's fields are named with this prefix (answer-household), so that
# they never clash with the page's own.
ANSWER_PREFIX = "answer-"
ANSWER_TEXT_MAX = 500
NUMBER_RE = re.compile(r"-?\d{1,15}(\.\d{1,6})?")


def form_answers(schema, post) -> dict:
    """The answers a page posted for `schema`'s fields, typed as the schema says — text
    stripped, numbers parsed, an unticked box false — for `validate_data` to check. What is not
    a number stays text, so that `validate_data` names the field that is wrong."""
    answers: dict[str, Any] = {}
    for name, spec in (schema or {}).get("properties", {}).items():
        raw = post.get(ANSWER_PREFIX + name, "")
        if spec["type"] == "boolean":
            answers[name] = raw in ("on", "true", "1")
            continue
        text = clean_text(raw, field=name, max_length=spec.get("maxLength", ANSWER_TEXT_MAX))
        if spec["type"] in ("integer", "number") and NUMBER_RE.fullmatch(text):
            answers[name] = float(text) if "." in text else int(text)
        elif text:
            answers[name] = text
    return answers


def form_fields(schema, values=None, invalid: str = "") -> list[dict]:
    """`schema`'s fields as a page renders them (cases/_form_fields.html): the input's name,
    its label and kind, its limits and choices, the value to show and whether it is the one
    refused (`invalid`, a field's name)."""
    values = values or {}
    required = set((schema or {}).get("required", []))
    fields = []
    for name, spec in (schema or {}).get("properties", {}).items():
        value = values.get(ANSWER_PREFIX + name, values.get(name, ""))
        fields.append(
            {
                "name": ANSWER_PREFIX + name,
                "label": spec.get("title", name),
                "help": spec.get("description", ""),
                "kind": "choice" if "enum" in spec else spec["type"],
                "choices": [str(choice) for choice in spec.get("enum", [])],
                "required": name in required,
                "max_length": spec.get("maxLength", ANSWER_TEXT_MAX),
                "minimum": spec.get("minimum"),
                "maximum": spec.get("maximum"),
                "step": "1" if spec["type"] == "integer" else "any",
                "value": "" if value is None else str(value),
                "checked": value in (True, "on", "true", "1"),
                "invalid": name == invalid,
            }
        )
    return fields


def answer_rows(schema, answers) -> list[tuple[str, str]]:
    """(label, value) of each answered field, in the schema's order, for a page to show."""
    rows = []
    for name, spec in (schema or {}).get("properties", {}).items():
        if name not in (answers or {}):
            continue
        value = answers[name]
        if spec["type"] == "boolean":
            value = _("Yes") if value else _("No")
        rows.append((spec.get("title", name), str(value)))
    return rows
