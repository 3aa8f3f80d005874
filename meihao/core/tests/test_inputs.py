"""The kit's request parsers read only what a person could mean, and never raise."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

from meihao.core import inputs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("-3", -3),
        ("²", None),  # '²'.isdigit() is True, int('²') raises
        ("٣", None),  # int() would read Arabic-Indic digits
        ("１２", None),  # fullwidth
        ("9" * 5000, None),  # int() raises with an English message
        (str(2**63), None),  # past the database's integer
        (str(2**63 - 1), 2**63 - 1),
        ("1.5", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_int_reads_ascii_64_bit_integers_only(text, expected):
    assert inputs.parse_int(text) == expected


def test_parse_int_bounds_and_default():
    assert inputs.parse_int("5", maximum=4, default=0) == 0
    assert inputs.parse_int("0", minimum=1) is None
    assert inputs.parse_id("0") is None
    assert inputs.parse_id("12") == 12
    assert inputs.parse_ids(["1", "²", "x", "3"]) == [1, 3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-10", date(2026, 6, 10)),
        ("2026-02-30", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("２０２６-０６-１０", None),
        ("2026-6-1", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert inputs.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-06", date(2026, 6, 1)), ("2026-13", None), ("0001-01", None), ("²026-01", None)],
)
def test_parse_month(text, expected):
    assert inputs.parse_month(text) == expected


def test_month_up_to_falls_back_to_this_month():
    today = date(2026, 6, 10)
    assert inputs.month_up_to("2026-05", today=today) == (2026, 5)
    assert inputs.month_up_to("2026-07", today=today) == (2026, 6)
    assert inputs.month_up_to("1999-12", today=today) == (2026, 6)
    assert inputs.month_up_to("²", today=today) == (2026, 6)


def test_parse_datetime_is_aware_and_refuses_impossible_or_far_times():
    moment = inputs.parse_datetime("2026-06-10T09:30")
    assert moment == timezone.make_aware(datetime(2026, 6, 10, 9, 30))
    assert inputs.parse_datetime("2026-06-10T09:30:00+00:00").utcoffset().total_seconds() == 0
    assert inputs.parse_datetime("2026-02-30T09:00") is None
    assert inputs.parse_datetime("0001-01-01T00:00+14:00") is None
    assert inputs.parse_datetime("２０２６-06-10T09:30") is None


def test_control_characters_and_xml():
    assert inputs.has_control_characters("a\x00b")
    assert inputs.has_control_characters("\x1b[31m")
    assert not inputs.has_control_characters("第一行\r\n\t第二行")
    assert inputs.xml_safe("a\x00b\x1bc\ufffe\ud800d\n") == "abcd\n"


class Sample(inputs.CheckedForm, forms.Form):
    name = forms.CharField(max_length=20)
    count = forms.IntegerField()
    day = forms.DateField()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "小\x00明"),
        ("name", "长" * 10_000),
        ("count", "²"),
        ("count", "9" * 5000),
        ("count", str(2**63)),
        ("day", "0001-01-01"),
        ("day", "2026-02-30"),
    ],
)
def test_checked_form_refuses_in_chinese(field, value):
    data = {"name": "小明", "count": "3", "day": "2026-06-10", field: value}
    with translation.override("zh-hans"):
        form = Sample(data)
        assert not form.is_valid()
        message = " ".join(form.errors[field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_checked_form_accepts_good_input():
    form = Sample({"name": "小明\r\n", "count": "3", "day": "2026-06-10"})
    assert form.is_valid(), form.errors


def test_clean_text_strips_checks_length_and_what_is_required():
    from meihao.core.errors import ValidationFailed
    from meihao.core.inputs import clean_text

    assert clean_text("  巡河  ", field="title", max_length=5) == "巡河"
    assert clean_text(None, field="note") == ""
    with pytest.raises(ValidationFailed) as too_long:
        clean_text("一二三四五六", field="title", max_length=5)
    assert (too_long.value.field, too_long.value.code) == ("title", "max_length")
    with pytest.raises(ValidationFailed) as empty:
        clean_text("   ", field="reason", required="请填写原因。")
    assert (empty.value.message, empty.value.field, empty.value.code) == (
        "请填写原因。",
        "reason",
        "required",
    )
