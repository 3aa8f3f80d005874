"""Who hears of an application's steps: the applicant at every step (`application_progress`),
and the holders of the stage it reaches (`application_waiting`).

The holders of a stage can be many (every street chief covering a large street, a department's
whole staff), so the step records one fan-out event in its transaction and the worker writes
their messages after the commit (notify.fanout), as the engine does for a new grid case. The
engine's own "new case in your area" notice is not sent for applications: the place roles of
the applicant's home hold nothing of them (egov.holders).
"""

from django.utils.translation import gettext_lazy

from meihao.cases.extensions import detail_url
from meihao.catalogue.services import item_count_use
from meihao.core.roles import Role
from meihao.core.scoping import users_covering
from meihao.egov.holders import COMMUNITY_HOLDERS, STREET_HOLDERS
from meihao.egov.models import Application, Body
from meihao.notify.fanout import fan_out_handler
from meihao.notify.kinds import register_kind
from meihao.notify.services import notify_enqueue, notify_later
from meihao.people.selectors import department_staff

register_kind(
    "application_progress",
    label=gettext_lazy("How my applications are going"),
    audience={Role.RESIDENT},
)
register_kind(
    "counter_visit",
    label=gettext_lazy("My visits to a service counter"),
    audience={Role.RESIDENT},
)
register_kind(
    "application_waiting",
    label=gettext_lazy("An application waits for my office"),
    audience={Role.COMMUNITY_STAFF, Role.STREET_CHIEF, Role.DEPARTMENT_STAFF},
)


def _holders_of(application: Application, body: str) -> list:
    if body == Body.COMMUNITY:
        return users_covering(application.home_path, COMMUNITY_HOLDERS)
    if body == Body.STREET:
        return users_covering(application.home_path, STREET_HOLDERS)
    return list(department_staff(application.department_id))


def _context(application: Application) -> dict:
    return {
        "number": application.case.number,
        "item": application.item.name,
    }


def tell_applicant(application: Application, step: str, subject, body, extra=None) -> None:
    user = application.applicant.user
    if user is None:
        return
    notify_enqueue(
        recipients=[user],
        kind="application_progress",
        subject=subject,
        body=body,
        link=detail_url(application.case),
        target=application.case,
        idempotency_key=f"application:{application.pk}:{step}",
        context={**_context(application), **(extra or {})},
    )


def tell_holders(application: Application, step: str) -> None:
    """The holders of the stage the application is at now; the stage's body travels with the
    event, so a worker running late still tells the body the step reached."""
    notify_later(
        event="egov.application_waiting",
        payload={
            "application_id": application.pk,
            "step": step,
            "body": application.stage_body,
        },
        idempotency_key=f"application:{application.pk}:{step}:holders",
    )


@fan_out_handler("egov.application_waiting", label=gettext_lazy("An application waits"))
def tell_holders_of_waiting(*, application_id: int, step: str, body: str) -> None:
    application = _application(application_id)
    if application is not None:
        _notify_holders(application, step, body)


def tell_of_filing(application: Application) -> None:
    """A new application: the worker tells the applicant it is received and the first stage's
    holders that it waits, and counts the item's use (`follow_up_filing`). Filing is what
    thousands of residents do; one row keeps it quick."""
    notify_later(
        event="egov.application_filed",
        payload={"application_id": application.pk, "body": application.stage_body},
        idempotency_key=f"application:{application.pk}:filed",
    )


@fan_out_handler("egov.application_filed", label=gettext_lazy("An application is filed"))
def follow_up_filing(*, application_id: int, body: str) -> None:
    """Tell the applicant and the first stage's holders, and count the item's use in the
    applicant's community (what ranks it for their neighbours). Counted here, not while
    filing: every filing of a popular item in one community updates the same row, and in the
    filing's transaction that row's lock would queue the residents behind each other."""
    application = _application(application_id)
    if application is None:
        return
    item_count_use(item=application.item, community=application.home)
    tell_applicant(
        application,
        "filed",
        gettext_lazy("Application received: {{ item }}"),
        gettext_lazy(
            "Your application {{ number }} ({{ item }}) is received. You will hear when it "
            "is taken in or if anything is missing."
        ),
    )
    _notify_holders(application, "filed", body)


def _application(application_id: int) -> Application | None:
    return (
        Application.objects.select_related("case__case_type", "item", "applicant__user")
        .filter(pk=application_id)
        .first()
    )


WAITING = (
    gettext_lazy("An application waits for you: {{ item }}"),
    gettext_lazy("Application {{ number }} ({{ item }}) waits for your office to act."),
)
# A step that changes what waits for the holders, in other words than "it waits for you".
HOLDER_TEXTS = {
    "withdrawn": (
        gettext_lazy("Application withdrawn: {{ item }}"),
        gettext_lazy(
            "The applicant withdrew application {{ number }} ({{ item }}). Nothing more is to "
            "be done on it."
        ),
    ),
}


def _notify_holders(application: Application, step: str, body: str) -> None:
    subject, text = HOLDER_TEXTS.get(step, WAITING)
    notify_enqueue(
        recipients=_holders_of(application, body),
        kind="application_waiting",
        subject=subject,
        body=text,
        link=detail_url(application.case),
        target=application.case,
        idempotency_key=f"application:{application.pk}:{step}:holders",
        context=_context(application),
    )
