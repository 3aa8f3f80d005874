"""What an app adds to the case types it owns, registered once at start-up (AppConfig.ready).

The engine cannot import the apps built on it (they import the engine), so the two things a
case type may need beyond its data are handed to it here, by type code:

- a **claim group**: who may claim the type's cases besides the holders of its `claim_roles`
  (time-bank help requests are claimed by the time bank's members, a membership, not a role).
  `pool_q(user)` is a filter on `Case` that is pure SQL (a subquery, never a query of its own:
  it is part of every `Case.objects.visible_to`); `may_claim(case, user)` answers for one case
  and may load what it needs once per request (cache it on the user object).
- **filing through the app**: a type whose cases need more than a case (a help request's
  requester and payer, a wish's claimants) is filed only by its app's service, which authorises
  the actor itself and passes `filed_by_app=True` to `cases.services.case_submit`; any other
  caller (the case API, Open311) is refused, so no such case exists without its app's record.
- **close effects**: what closing a case of the type does besides closing it (the time bank
  pays the helper, micro-wishes credit their claimants' points). `cases.services.
  case_verify_close` calls them inside its transaction, after the case has closed: if they raise,
  nothing is written and the case stays reported back.
- **a detail page**: where a link to one of the type's cases leads (a notice about a help
  request opens its time-bank page, one about a wish its wish page); `detail_url(case)` answers
  for any case, the engine's own case page for the types that register none.
- **a vocabulary**: the type's words for citizens (cases.vocabulary): a wish is 已发布, not
  已立案; `vocabulary_of(case_type)` answers for any type, `REPORT` for those registering none.
- **holders**: a type whose app, not the place tree, decides who works its cases (an online
  application goes to the legally competent body, stage by stage, and no grid worker of the
  applicant's home may read it). `Holders.q(user)` is the pure-SQL filter of the cases the user
  may see besides their own; `Holders.holds(case, user, who)` answers for one case whether the
  user is its dispatcher, handler, verifier or supervisor, or (`"viewer"`) may see it. For such
  a type the place roles grant nothing by themselves.
- **a handling limit**: `handling_limit(case)` is the (limit, unit) of the handling clock when
  the type's limit is per case (an application's item promises its own number of working
  days), instead of the minor class's or the type's.
- **a detail panel**: what the engine's case page shows of the app's own record, with the
  app's own forms (a petition's title, its query code for the petitioner, declining it to the
  proper channel, publishing its answer): `DetailPanel(template, context(case, user))`,
  included under the case's card.
- **rating effects**: what a rating of the type's cases does besides being recorded
  (`effects(rating=, case=)`, inside `case_rate`'s transaction): a 差评 of an application or a
  petition opens a rectification for the body rated.
- **acting for**: who, besides the filer and the person it was filed for, counts as the
  requester of the type's cases (a family member acting for an elder, on the elder's recorded
  consent, sees the elder's care orders and visits, confirms and rates them).
  `ActingFor.q(user)` is the pure-SQL filter of the cases the user acts for;
  `ActingFor.acts(case, user)` answers for one case.
- **own notices on filing**: a type whose app tells the people a new case concerns itself (a
  care order tells the nearby providers; a scheduled visit is no news) is left out of the
  engine's "new case in your area" digest to the place's officials.
- **a dispatch check**: `check(case=, organisation=, team=, user=)` runs before every dispatch
  of the type's cases and raises ValidationFailed for an assignee the type does not allow (a
  petition about a department's matter is never pushed down to a street or community).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from meihao.cases.vocabulary import REPORT, Vocabulary


@dataclass(frozen=True)
class ClaimGroup:
    pool_q: Callable[[object], Q]
    may_claim: Callable[[object, object], bool]


_claim_groups: dict[str, ClaimGroup] = {}
_close_effects: dict[str, Callable] = {}
_app_filed: set[str] = set()
_detail_urls: dict[str, Callable] = {}
_vocabularies: dict[str, Vocabulary] = {}
_holders: dict[str, "Holders"] = {}
_handling_limits: dict[str, Callable] = {}
_detail_panels: dict[str, "DetailPanel"] = {}
_dispatch_checks: dict[str, Callable] = {}
_rating_effects: dict[str, Callable] = {}
_acting_for: dict[str, "ActingFor"] = {}
_own_notices: set[str] = set()
_confidential: set[str] = set()


VIEWER = "viewer"


@dataclass(frozen=True)
class Holders:
    q: Callable[[object], Q]
    holds: Callable[[object, object, str], bool]


def register_claim_group(type_code: str, group: ClaimGroup) -> None:
    _claim_groups[type_code] = group


def register_close_effects(type_code: str, effects: Callable) -> None:
    """`effects(*, case, actor)` runs when a case of `type_code` closes (see the module doc)."""
    _close_effects[type_code] = effects


def register_app_filed(type_code: str) -> None:
    _app_filed.add(type_code)


def is_app_filed(type_code: str) -> bool:
    return type_code in _app_filed


def claim_groups() -> dict[str, ClaimGroup]:
    return _claim_groups


def close_effects(type_code: str) -> Callable | None:
    return _close_effects.get(type_code)


def register_detail_url(type_code: str, url_of: Callable) -> None:
    """`url_of(case)` is the site path of the page showing a case of `type_code`."""
    _detail_urls[type_code] = url_of


def detail_url(case) -> str:
    url_of = _detail_urls.get(case.case_type.code)
    return url_of(case) if url_of else reverse("cases:detail", args=[case.number])


def register_vocabulary(type_code: str, vocabulary: Vocabulary) -> None:
    _vocabularies[type_code] = vocabulary


def vocabulary_of(case_type) -> Vocabulary:
    """The citizens' words for cases of `case_type` (a CaseType or its code)."""
    code = getattr(case_type, "code", case_type)
    return _vocabularies.get(code, REPORT)


def register_holders(type_code: str, holders: Holders) -> None:
    _holders[type_code] = holders


def holders_of(type_code: str) -> Holders | None:
    return _holders.get(type_code)


def held_types() -> list[tuple[str, Holders]]:
    return sorted(_holders.items(), key=lambda pair: pair[0])


def register_handling_limit(type_code: str, limit_of: Callable) -> None:
    """`limit_of(case)` is the (limit, unit) of the handling clock of a case of `type_code`."""
    _handling_limits[type_code] = limit_of


def handling_limit(case) -> tuple[int, str] | None:
    limit_of = _handling_limits.get(case.case_type.code)
    return limit_of(case) if limit_of else None


@dataclass(frozen=True)
class DetailPanel:
    template: str
    context: Callable[[object, object], dict]


def register_detail_panel(type_code: str, panel: DetailPanel) -> None:
    _detail_panels[type_code] = panel


def detail_panel(case, user) -> dict | None:
    """{"template": ..., **context} of the type's panel for `user`, or None."""
    panel = _detail_panels.get(case.case_type.code)
    if panel is None:
        return None
    return {"template": panel.template, **panel.context(case, user)}


def register_dispatch_check(type_code: str, check: Callable) -> None:
    _dispatch_checks[type_code] = check


def check_dispatch(case, *, organisation, team, user) -> None:
    check = _dispatch_checks.get(case.case_type.code)
    if check is not None:
        check(case=case, organisation=organisation, team=team, user=user)


def register_rating_effects(type_code: str, effects: Callable) -> None:
    _rating_effects[type_code] = effects


def rating_effects(type_code: str) -> Callable | None:
    return _rating_effects.get(type_code)


@dataclass(frozen=True)
class ActingFor:
    q: Callable[[object], Q]
    acts: Callable[[object, object], bool]


def register_acting_for(type_code: str, acting_for: ActingFor) -> None:
    _acting_for[type_code] = acting_for


def acting_for(type_code: str) -> ActingFor | None:
    return _acting_for.get(type_code)


def acting_for_types() -> list[tuple[str, ActingFor]]:
    return sorted(_acting_for.items(), key=lambda pair: pair[0])


def register_own_notices(type_code: str) -> None:
    _own_notices.add(type_code)


def tells_own_filing(type_code: str) -> bool:
    return type_code in _own_notices


def register_confidential(type_code: str) -> None:
    """The contents of `type_code`'s cases are for their holders and requester alone (a legal
    consultation): the engine's case page and the case API record every reading by anyone else
    in the audit log, and the case API's list leaves them out but for their filer."""
    _confidential.add(type_code)


def confidential_types() -> frozenset[str]:
    return frozenset(_confidential)
