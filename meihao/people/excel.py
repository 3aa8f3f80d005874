"""Excel in and out for the resident register: the import template, reading it, and export.

Community workers live in Excel (社区工作者的台账), so the template is the contract: the first sheet
holds a header row in Chinese and one row per person; the second sheet explains each column with
an example. Reading never writes: it turns cells into `ImportRow`s for `person_import`.
"""

import datetime
import re
import zipfile

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from meihao.core.errors import ValidationFailed
from meihao.core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # for the views
from meihao.core.excel import Choice, Sheet, workbook_bytes
from meihao.people.models import Gender, PersonTag
from meihao.people.services import ImportRow
from meihao.people.validation import FIELD_LABELS

MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
TEMPLATE_TEXT_ROWS = 1000  # rows pre-formatted as text so Excel keeps ID numbers whole

# Column order of the template: the field names `person_import` takes.
COLUMNS = list(FIELD_LABELS)
REQUIRED_COLUMNS = {"real_name", "home_place"}
TEXT_COLUMNS = {"id_number", "phone", "home_place"}
_TAG_SPLIT = re.compile(r"[、,，;；\s]+")


def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {field: str(FIELD_LABELS[field]) for field in COLUMNS}


def _choice_lookup(choices) -> dict[str, str]:
    """Map codes and their Chinese and English labels to codes."""
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = value
    return lookup


def import_template() -> bytes:
    """The import template: header row and text-formatted columns, plus an instructions sheet."""
    with translation.override("zh-hans"):
        labels = _labels("zh-hans")
        gender_rule = Choice(
            f"B2:B{TEMPLATE_TEXT_ROWS + 1}", [str(label) for _value, label in Gender.choices]
        )
        residents = Sheet(
            _("Residents"),
            header=[labels[field] for field in COLUMNS],
            widths=(12, 8, 14, 22, 15, 20, 30, 20),
            banner=True,
            text_columns=frozenset(i for i, f in enumerate(COLUMNS) if f in TEXT_COLUMNS),
            blank_rows=TEMPLATE_TEXT_ROWS,
            validations=[gender_rule],
        )

        tag_labels = "、".join(str(label) for _value, label in PersonTag.Tag.choices)
        yes, no = _("yes"), _("no")
        help_rows = [
            ("real_name", yes, _("The name on the ID card."), "张三"),
            ("gender", no, _("男 or 女; taken from the ID-card number when empty."), "男"),
            (
                "birth_date",
                no,
                _("YYYY-MM-DD; taken from the ID-card number when empty."),
                "1980-05-17",
            ),
            (
                "id_number",
                no,
                _("18 characters, checked against the national standard (GB 11643)."),
                "450403198005170035",
            ),
            ("phone", no, _("An 11-digit mainland mobile number."), "13912345678"),
            (
                "home_place",
                yes,
                _("The 12-digit community code or 15-digit grid code, as in the place list."),
                "450403001001001",
            ),
            ("address", no, _("Building, unit and room."), "骑楼街3号2单元501"),
            (
                "tags",
                no,
                _("Any of: %(tags)s; separate several with 、") % {"tags": tag_labels},
                str(PersonTag.Tag.ELDER.label) + "、" + str(PersonTag.Tag.VETERAN.label),
            ),
        ]
        instructions = Sheet(
            _("Instructions"),
            [
                *(
                    [labels[field], required, how, example]
                    for field, required, how, example in help_rows
                ),
                [],
                [
                    _(
                        "Fill in the first sheet from row 2, one person per row. The whole file "
                        "is imported or, if any cell is wrong, nothing is: fix the cells listed "
                        "and upload it again."
                    )
                ],
            ],
            header=[_("Column"), _("Required"), _("How to fill it in"), _("Example")],
            widths=(16, 8, 60, 24),
            banner=True,
            wrap=True,
        )
        return workbook_bytes([residents, instructions])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(text)


def read_import_file(upload) -> list[ImportRow]:
    """Parse an uploaded workbook into rows; a file that is not our template is rejected whole."""
    if getattr(upload, "size", 0) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(size)d MB.") % {"size": MAX_IMPORT_BYTES // 1024 // 1024},
            code="import_too_large",
        )
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ValidationFailed(
            _("The file is not an Excel workbook (.xlsx); start from the template."),
            code="import_not_xlsx",
        ) from None
    try:
        return _read_rows(book.worksheets[0])
    finally:
        book.close()


def _read_rows(sheet) -> list[ImportRow]:
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None) or ()
    by_label = {}
    for language in ("zh-hans", "en"):
        by_label.update({label: field for field, label in _labels(language).items()})
    columns: dict[int, str] = {}
    for index, label in enumerate(header):
        field = by_label.get(_text(label))
        if field:
            columns[index] = field
    missing = [f for f in COLUMNS if f in REQUIRED_COLUMNS and f not in columns.values()]
    if missing:
        names = "、".join(str(FIELD_LABELS[f]) for f in missing)
        raise ValidationFailed(
            _("The first row must hold the template's column names; missing: %(columns)s.")
            % {"columns": names},
            code="import_bad_header",
        )

    genders = _choice_lookup(Gender.choices) | {"男": Gender.MALE, "女": Gender.FEMALE}
    tags = _choice_lookup(PersonTag.Tag.choices)
    rows: list[ImportRow] = []
    for number, row in enumerate(cells, start=2):
        raw = {field: row[index] if index < len(row) else None for index, field in columns.items()}
        if all(_text(v) == "" for v in raw.values()):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ValidationFailed(
                _("A file can hold at most %(count)d people; split it.")
                % {"count": MAX_IMPORT_ROWS},
                code="import_too_many_rows",
            )
        values, errors = _read_row(raw, genders, tags)
        rows.append(ImportRow(row=number, values=values, errors=errors))
    return rows


def _read_row(raw: dict, genders: dict, tags: dict) -> tuple[dict, dict]:
    values: dict = {}
    errors: dict = {}
    values["real_name"] = _text(raw.get("real_name"))

    gender = _text(raw.get("gender"))
    values["gender"] = genders.get(gender.lower(), "") if gender else ""
    if gender and not values["gender"]:
        errors["gender"] = _("Write 男 or 女.")

    try:
        values["birth_date"] = _parse_date(raw.get("birth_date"))
    except ValueError:
        values["birth_date"] = None
        errors["birth_date"] = _("Write the date as YYYY-MM-DD.")

    id_number = raw.get("id_number")
    if isinstance(id_number, int | float):
        # Excel keeps 15 significant digits: an 18-digit number typed as a number is already lost.
        errors["id_number"] = _("Format the ID-card column as text: Excel rounded the number.")
        values["id_number"] = ""
    else:
        values["id_number"] = _text(id_number)

    values["phone"] = _text(raw.get("phone"))
    values["home_place_code"] = _text(raw.get("home_place"))
    values["address"] = _text(raw.get("address"))

    codes = []
    for label in _TAG_SPLIT.split(_text(raw.get("tags"))):
        if not label:
            continue
        code = tags.get(label.lower())
        if code is None:
            errors["tags"] = _("Unknown tag: %(tag)s.") % {"tag": label}
        else:
            codes.append(code)
    values["tags"] = codes
    return values, errors


def resident_sheet(people) -> Sheet:
    """The given (already scoped and filtered) people as a sheet, personal data masked."""
    labels = _labels(translation.get_language() or "zh-hans")
    header = [labels[field] for field in COLUMNS]
    header.insert(COLUMNS.index("home_place") + 1, _("Community or grid"))
    return Sheet(_("Residents"), (_resident_row(person) for person in people), header=header)


def _resident_row(person) -> list:
    place = person.home_place
    return [
        person.real_name,
        str(person.get_gender_display()) if person.gender else "",
        person.birth_date.isoformat() if person.birth_date else "",
        person.id_number_masked,
        person.phone_masked,
        place.code if place else "",
        place.name if place else "",
        person.address,
        "、".join(str(t.get_tag_display()) for t in person.tags.all()),
    ]
