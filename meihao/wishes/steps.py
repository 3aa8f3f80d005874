"""The steps of a wish, read by the wish page and the API (see cases.steps). A wish's steps are
the engine's actions wrapped by wishes.services where a wish needs more than the case
(publication, claimants)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meihao.cases import services as case_services
from meihao.cases.steps import Step, StepTable
from meihao.core.errors import ValidationFailed
from meihao.core.inputs import parse_id
from meihao.people.models import Organisation
from meihao.wishes import selectors, services


def _unit(inputs):
    value = inputs.get("unit")
    if value in (None, ""):
        return None
    unit = Organisation.objects.filter(pk=parse_id(value, default=0)).first()
    if unit is None:
        raise ValidationFailed(_("Choose one of your units."), field="unit")
    return unit


def _dispatch(*, case, actor, inputs):
    value = inputs.get("target") or ""
    target = next((t for t in selectors.dispatch_targets(case) if t["value"] == value), {})
    return services.wish_dispatch(
        case=case,
        actor=actor,
        member=target.get("user"),
        unit=target.get("unit"),
        note=inputs.get("note") or "",
    )


STEPS = StepTable(
    Step(
        "publish",
        "accept",
        gettext_lazy("Publish to party members"),
        gettext_lazy("Published to the party members of the community."),
        lambda *, case, actor, inputs: services.wish_publish(
            case=case, actor=actor, note=inputs.get("note") or ""
        ),
    ),
    Step(
        "dispatch",
        "dispatch",
        gettext_lazy("Give the wish"),
        gettext_lazy("Given to the party member."),
        _dispatch,
    ),
    Step(
        "reject",
        "reject",
        gettext_lazy("Decline"),
        gettext_lazy("The wish is declined; the resident sees your reason."),
        lambda *, case, actor, inputs: case_services.case_reject(
            case=case, actor=actor, reason=inputs.get("reason") or ""
        ),
    ),
    Step(
        "claim",
        "claim",
        gettext_lazy("I will make this wish come true"),
        gettext_lazy("You have claimed this wish. Thank you!"),
        lambda *, case, actor, inputs: services.wish_claim(
            case=case, actor=actor, unit=_unit(inputs)
        ),
    ),
    # Not an engine action: the wish's own event, offered by `services.may_join`.
    Step(
        "join",
        "join",
        gettext_lazy("Join in"),
        gettext_lazy("You have joined this wish."),
        lambda *, case, actor, inputs: services.wish_join(
            case=case, actor=actor, unit=_unit(inputs)
        ),
    ),
    Step(
        "fulfil",
        "report_back",
        gettext_lazy("Report it fulfilled"),
        gettext_lazy("Reported as fulfilled. The resident is asked to confirm."),
        lambda *, case, actor, inputs: services.wish_fulfil(
            case=case, actor=actor, note=inputs.get("note") or "", photos=inputs.get("photos") or []
        ),
    ),
    Step(
        "confirm",
        "verify_close",
        gettext_lazy("My wish came true"),
        gettext_lazy("Confirmed. Thank you; the claimants earn their points."),
        lambda *, case, actor, inputs: case_services.case_verify_close(
            case=case, actor=actor, note=inputs.get("note") or ""
        ),
    ),
    Step(
        "send-back",
        "reopen",
        gettext_lazy("Send back"),
        gettext_lazy("Sent back to the party member."),
        lambda *, case, actor, inputs: case_services.case_reopen(
            case=case, actor=actor, reason=inputs.get("reason") or ""
        ),
    ),
)
