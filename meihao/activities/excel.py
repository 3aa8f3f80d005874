"""The attendance list of an activity as an Excel workbook (community workers keep 台账 in
Excel). Headers are in the active language; mobile numbers are masked as in every export."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meihao.activities.selectors import AttendanceRow
from meihao.core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # for the views
from meihao.core.excel import Bold, Sheet, workbook_bytes


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def state_label(row: AttendanceRow) -> str:
    labels = {
        "present": _("Present"),
        "checked_out": _("Checked out"),
        "absent": _("Absent"),
        "expected": _("Not checked in yet"),
    }
    label = str(labels[row.state])
    return f"{label}（{_('late')}）" if row.late else label


def _row(row: AttendanceRow) -> list:
    attendance = row.attendance
    return [
        row.signup.person.real_name,
        row.signup.person.phone_masked,
        row.signup.role,
        _time(row.signup.created_at),
        state_label(row),
        _time(attendance.checked_in_at) if attendance else "",
        str(attendance.get_check_in_method_display()) if attendance else "",
        attendance.check_in_distance_m if attendance else None,
        _("Yes") if row.late else "",
        _time(attendance.checked_out_at) if attendance else "",
        attendance.credited_minutes if attendance else None,
    ]


def export_attendance(activity, rows: list[AttendanceRow]) -> bytes:
    header = Bold(
        [
            _("Name"),
            _("Mobile number"),
            pgettext("activity role", "Role"),
            _("Signed up at"),
            _("Attendance"),
            _("Checked in at"),
            _("Check-in method"),
            _("Distance from the venue (m)"),
            _("Late"),
            _("Checked out at"),
            _("Credited minutes"),
        ]
    )
    title = [
        Bold([activity.title]),
        [f"{_time(activity.starts_at)} – {_time(activity.ends_at)}  {activity.venue}"],
        header,
    ]
    return workbook_bytes(
        [
            Sheet(
                _("Attendance"),
                [*title, *(_row(row) for row in rows)],
                widths=(12, 14, 10, 17, 14, 17, 12, 10, 6, 17, 10),
            )
        ]
    )
