"""Who may do what to a case: see it in full, and take each action of the transition table.

Each action (cases.states.TRANSITIONS) names the group of people who may take it, relative to the
case:
  dispatcher  street chief, community staff or district admin covering the case's place
  handler     department staff of the assigned organisation, or the assigned person
  verifier    the grid worker covering the place, or a dispatcher; for case types the
              requester confirms (`confirmed_by_requester`: help received), the requester —
              who filed it or for whom it was filed — or a dispatcher on their behalf
  supervisor  street chief or district admin covering the place
  claimer     a holder of one of the case type's claim roles covering the place, for case
              types in claim mode, or a member of the type's claim group (cases.extensions);
              the case goes to the pool (after acceptance, for `claim_after_acceptance` types)
              and whoever claims it handles it. Nobody claims a case they filed.
Superusers may do everything. The services (cases.services) are the only callers that act;
`case_abilities` answers the same questions for templates and the API without a query.
"""

from django.utils.translation import gettext_lazy as _

from meihao.cases.extensions import VIEWER, acting_for, holders_of, vocabulary_of
from meihao.cases.models import CaseFollower, CaseType, claim_rules
from meihao.cases.states import (
    CLAIMER,
    DISPATCHER,
    HANDLER,
    SUPERVISOR,
    TRANSITIONS,
    VERIFIER,
    Status,
)
from meihao.core.errors import IllegalTransition, NotFound, PermissionDenied
from meihao.core.roles import OFFICIALS, PLACE_WORKERS, SUPERVISORS, Role
from meihao.core.scoping import covers, has_role, scopes_of
from meihao.people.selectors import own_person_id


def guard_message(case, action: str, user=None):
    """Why `action` cannot be taken on `case` in its state, or None when it can."""
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        # A citizen (a party member claiming a wish already claimed) reads the state in the
        # type's words (cases.vocabulary).
        status: str = str(Status(case.status).label)
        if user is not None and sees_as_citizen(case, user):
            status = vocabulary_of(case.case_type).status_label(case.status)
        return _("This case is “%(status)s”; you cannot %(action)s it now.") % {
            "status": status,
            "action": transition.label,
        }
    if action == "claim" and user is not None:
        rule = _claim_rule(case, user)
        if rule is not None and case.status not in rule.states:
            return _("This case has not been published for claiming yet.")
    if action == "request_extension":
        if case.extension_until is not None:
            return _("An extension has already been requested and awaits a decision.")
        if case.resolve_by is None:
            return _("This case has no handling deadline to extend.")
    if action in ("approve_extension", "deny_extension") and case.extension_until is None:
        return _("No extension has been requested for this case.")
    if action == "mark_urgent" and case.urgent:
        return _("This case is already marked urgent.")
    if action == "unmark_urgent" and not case.urgent:
        return _("This case is not marked urgent.")
    return None


def _is_handler(case, user) -> bool:
    if case.assigned_user_id is not None and case.assigned_user_id == user.pk:
        return True
    org = case.assigned_organisation_id
    return org is not None and any(
        s.role == Role.DEPARTMENT_STAFF and s.organisation_id == org for s in scopes_of(user)
    )


def _claim_rule(case, user):
    loaded_type = case._state.fields_cache.get("case_type")
    if loaded_type is not None and loaded_type.dispatch_mode != "claim":
        return None  # known without asking the database
    return claim_rules(user).get(case.case_type_id)


def _may_claim(case, user) -> bool:
    rule = _claim_rule(case, user)
    if rule is None or case.submitted_by_id == user.pk:
        return False
    if rule.roles and covers(user, case.place_path, rule.roles):
        return True
    return rule.group is not None and rule.group.may_claim(case, user)


def _in_claim_pool(case, user) -> bool:
    rule = _claim_rule(case, user)
    return rule is not None and case.status in rule.states and _may_claim(case, user)


def is_requester(case, user) -> bool:
    """Whether `user` filed the case, is the person it was filed for, or acts for that person
    (cases.extensions.ActingFor)."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    if case.submitted_by_id == pk:
        return True
    if case.reporter_id is not None and case.reporter_id == own_person_id(user):
        return True
    proxy = acting_for(case.case_type.code)
    return proxy is not None and proxy.acts(case, user)


def can_view(case, user) -> bool:
    """`Case.objects.visible_to(user)` for one case: whether `user` may see it in full.

    The people it was filed by or for may; a follower may not: they see the public
    representation (cases.publication).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    held = holders_of(case.case_type.code)
    if held is not None:
        return _is_handler(case, user) or is_requester(case, user) or held.holds(case, user, VIEWER)
    return (
        covers(user, case.place_path, PLACE_WORKERS)
        or _in_claim_pool(case, user)
        or _is_handler(case, user)
        or is_requester(case, user)
    )


def sees_as_citizen(case, user) -> bool:
    """Whether `user` reads the case in its type's words for citizens (cases.vocabulary), with
    offices rather than names on its timeline: everyone but the staff working it (the place's
    officials and grid workers, the assigned department's staff, superusers). A requester, a
    follower, a party member or time-bank member who claimed it are citizens."""
    if not getattr(user, "is_authenticated", False):
        return True
    if user.is_superuser:
        return False
    held = holders_of(case.case_type.code)
    if held is not None:
        return not held.holds(case, user, VIEWER)
    org = case.assigned_organisation_id
    department = org is not None and any(
        s.role == Role.DEPARTMENT_STAFF and s.organisation_id == org for s in scopes_of(user)
    )
    return not (department or covers(user, case.place_path, PLACE_WORKERS))


def holds(case, user, who: str) -> bool:
    """Whether `user` is the case's dispatcher / handler / verifier / supervisor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if who == CLAIMER:
        # Claiming makes the claimer the handler in person: a claim role is needed, even by a
        # superuser, and only claim-mode types have claim rules.
        return _may_claim(case, user)
    if user.is_superuser:
        return True
    held = holders_of(case.case_type.code)
    if held is not None:
        return held.holds(case, user, who)
    if who == HANDLER:
        return _is_handler(case, user)
    if who == VERIFIER and case.case_type.confirmed_by_requester:
        return is_requester(case, user) or covers(user, case.place_path, OFFICIALS)
    roles = {DISPATCHER: OFFICIALS, VERIFIER: PLACE_WORKERS, SUPERVISOR: SUPERVISORS}
    return covers(user, case.place_path, roles[who])


def case_abilities(case, user) -> dict[str, bool]:
    view = can_view(case, user)
    result = {"view": view}
    for action, transition in TRANSITIONS.items():
        # The state check first: it is free, spares the claim rules' one query per request for
        # the many cases that are past the pool, and the wording of a refusal nobody reads.
        result[action] = (
            view
            and case.status in transition.sources
            and guard_message(case, action, user) is None
            and holds(case, user, transition.who)
        )
    return result


def authorise(case, user, action: str) -> None:
    """Raise NotFound (cannot see the case), PermissionDenied (may not take this action) or
    IllegalTransition (not in this state), in that order."""
    if not can_view(case, user):
        raise NotFound(_("No such case."))
    if not holds(case, user, TRANSITIONS[action].who):
        raise PermissionDenied(
            _("You may not %(action)s this case.") % {"action": TRANSITIONS[action].label}
        )
    message = guard_message(case, action, user)
    if message is not None:
        raise IllegalTransition(message)


def may_submit(case_type: CaseType, user) -> bool:
    """Whether `user` may file cases of `case_type`: its roles, or anyone when the public may."""
    if case_type.public_may_submit:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or has_role(user, case_type.submit_roles)


def follows(case, user) -> bool:
    """Whether `user` follows the case (我也遇到, or filed a duplicate of it): they see its public
    representation, not the staff view."""
    if not getattr(user, "is_authenticated", False):
        return False
    return CaseFollower.objects.filter(case=case, user=user).exists()
