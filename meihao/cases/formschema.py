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
from typing import Any

from django.utils.translation import gettext as _

from meihao.core.errors import ValidationFailed
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
