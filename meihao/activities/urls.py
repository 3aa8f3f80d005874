"""Anything scheduled that people sign up for and attend, and the service records attendance
produces (abstraction 4).
"""

from django.urls import path

from meihao.activities.views import organiser, participant, records

app_name = "activities"
urlpatterns = [
    path("", participant.activity_list, name="list"),
    path("mine/", participant.mine, name="mine"),
    path("scan/", participant.scan, name="scan"),
    path("scan/code/", participant.scan_code, name="scan_code"),
    path("checkin/<str:token>/", participant.checkin_token, name="checkin"),
    path("<int:pk>/", participant.activity_detail, name="detail"),
    path("<int:pk>/signup/", participant.signup, name="signup"),
    path("<int:pk>/signup/cancel/", participant.signup_cancel, name="signup_cancel"),
    path("<int:pk>/checkin/code/", participant.checkin_code, name="checkin_code"),
    path("<int:pk>/checkin/location/", participant.checkin_location, name="checkin_location"),
    path("<int:pk>/checkin/online/", participant.join_online, name="join_online"),
    path("<int:pk>/checkout/", participant.checkout, name="checkout"),
    # Organisers
    path("organise/", organiser.organise, name="organise"),
    path("new/", organiser.create, name="create"),
    path("<int:pk>/edit/", organiser.edit, name="edit"),
    path("<int:pk>/publish/", organiser.publish, name="publish"),
    path("<int:pk>/cancel/", organiser.cancel, name="cancel"),
    path("<int:pk>/signups/", organiser.signups, name="signups"),
    path(
        "<int:pk>/signups/<int:signup_pk>/cancel/",
        organiser.signup_remove,
        name="signup_remove",
    ),
    path("<int:pk>/attendance/", organiser.attendance, name="attendance"),
    path("<int:pk>/attendance.xlsx", organiser.export, name="export"),
    path(
        "<int:pk>/attendance/<int:signup_pk>/checkin/",
        organiser.staff_checkin,
        name="staff_checkin",
    ),
    path(
        "<int:pk>/attendance/<int:signup_pk>/checkout/",
        organiser.staff_checkout,
        name="staff_checkout",
    ),
    path("<int:pk>/qr/", organiser.qr_screen, name="qr"),
    path("<int:pk>/qr/code/", organiser.qr_code, name="qr_code"),
    path("<int:pk>/finish/", organiser.finish, name="finish"),
    # Service records
    path("records/", records.record_list, name="records"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/<int:pk>/reverse/", records.record_reverse, name="record_reverse"),
    path("records/<int:pk>/evidence/", records.evidence, name="evidence"),
]
