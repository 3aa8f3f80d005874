"""The dispatch board's one-click and bulk actions."""

from django.db import transaction
from django.utils.translation import gettext as _

from meihao.cases.access import (
    authorise,
)
from meihao.cases.models import (
    Case,
    Status,
)
from meihao.cases.routing import suggest_assignee
from meihao.cases.services.dispatching import case_accept, case_dispatch
from meihao.core.errors import (
    DomainError,
    ValidationFailed,
)


class BulkActionFailed(ValidationFailed):
    """A bulk action that changed nothing because some cases could not take it.

    `case_errors` maps each failing case number to the reason, in the user's language.
    """

    code = "bulk_action_failed"

    def __init__(self, case_errors: dict[str, str]):
        self.case_errors = case_errors
        summary = "; ".join(f"{number}: {message}" for number, message in case_errors.items())
        super().__init__(
            _("Nothing was dispatched. %(count)d cases cannot be: %(errors)s")
            % {"count": len(case_errors), "errors": summary},
            field="cases",
        )


@transaction.atomic
def case_accept_and_dispatch(
    *, case: Case, actor, organisation=None, team=None, user=None, note: str = ""
) -> Case:
    """立案并派遣 in one step: accept a submitted case, then dispatch it.

    Without an assignee, the case goes to the suggested department and its team serving the
    place (cases.routing.suggest_assignee). Two timeline events, one transaction: if the
    dispatch fails, the acceptance is rolled back too.
    """
    if organisation is None and team is None and user is None:
        suggestion = suggest_assignee(case)
        if suggestion is None:
            # Authorise first: a case the actor may not touch is 404/403, not "no suggestion".
            authorise(case, actor, "dispatch")
            raise ValidationFailed(
                _("No department is suggested for this case; choose one."),
                field="organisation",
            )
        organisation, team = suggestion.organisation, suggestion.team
    if case.status == Status.SUBMITTED:
        case_accept(case=case, actor=actor)
    return case_dispatch(
        case=case, actor=actor, organisation=organisation, team=team, user=user, note=note
    )


def case_bulk_dispatch(*, cases, actor, organisation=None, team=None, note: str = "") -> list[Case]:
    """Dispatch several cases at once, all or nothing.

    Each case is accepted if still submitted and dispatched to `organisation` / `team`, or to
    its own suggested department team when none is given. If any case fails, nothing changes and
    BulkActionFailed names every failing case with its reason (the `cases` objects passed in
    may then hold stale statuses: read them again).
    """
    cases = list(cases)
    if not cases:
        raise ValidationFailed(_("Choose at least one case."), field="cases")
    errors: dict[str, str] = {}
    with transaction.atomic():
        for case in cases:
            try:
                with transaction.atomic():
                    case_accept_and_dispatch(
                        case=case, actor=actor, organisation=organisation, team=team, note=note
                    )
            except DomainError as exc:
                errors[case.number] = str(exc.message)
        if errors:
            # Leaving the block with an exception rolls back every dispatch made above.
            raise BulkActionFailed(errors)
    return cases
