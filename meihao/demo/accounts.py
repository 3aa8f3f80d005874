"""The demo log-ins: one memorable account per role, all with the same password.

Phones 139 0000 00xx are reserved for them; generated people never get a 1390000 number.
"""

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from meihao.core.roles import Role

DEMO_PASSWORD = "meihao2021"  # noqa: S105 - the published demo password, printed by demo_accounts
RESERVED_PHONE_PREFIX = "1390000"
# The demo Open311 client (/open311/v2/): an API-only account with the resident role at the
# district, and its api_key (an API token, people.ApiToken).
OPEN311_CLIENT_PHONE = "13900000311"
OPEN311_CLIENT_NAME = "Open311 演示客户端"


@dataclass(frozen=True)
class Persona:
    role: str
    phone: str
    name: str
    gender: str
    birth_date: datetime.date
    # What the role is scoped to, resolved by the loader: the first grid / community / street of
    # the district, the district, the 城管 department, the first merchant, the first care provider.
    scope: str
    is_staff: bool = False
    # A second log-in for what a resident may also be: "elder" (an 82-year-old living alone in
    # the community's care, large text), "family" (her daughter acting for her) and
    # "branch_secretary" (a retired party member, secretary of the demo community's first party
    # branch: the post is a party post, demo.party, not a role) and "project_officer" (a cadre
    # of the housing bureau on the 城东片区 responsibility team, working on its renovation
    # project: a team membership, demo.projects, not a role) and "team_leader" (a volunteer
    # leading the demo community's volunteer team: a team position, not a role; her home is
    # the team's dashboard).
    account: str = ""


PERSONAS = [
    Persona(Role.RESIDENT, "13900000001", "林晓梅", "female", datetime.date(1986, 3, 14), "grid"),
    Persona(Role.GRID_WORKER, "13900000002", "黄志强", "male", datetime.date(1990, 7, 2), "grid"),
    Persona(
        Role.COMMUNITY_STAFF,
        "13900000003",
        "陈丽华",
        "female",
        datetime.date(1979, 11, 23),
        "community",
    ),
    Persona(
        Role.STREET_CHIEF, "13900000004", "李建国", "male", datetime.date(1972, 5, 8), "street"
    ),
    Persona(
        Role.DEPARTMENT_STAFF,
        "13900000005",
        "梁伟明",
        "male",
        datetime.date(1988, 9, 30),
        "department",
    ),
    Persona(
        Role.DISTRICT_ADMIN,
        "13900000006",
        "周海燕",
        "female",
        datetime.date(1981, 1, 17),
        "district",
        is_staff=True,
    ),
    Persona(
        Role.VOLUNTEER, "13900000007", "何秀英", "female", datetime.date(1958, 6, 12), "community"
    ),
    Persona(
        Role.PARTY_MEMBER,
        "13900000008",
        "吴国庆",
        "male",
        datetime.date(1969, 10, 1),
        "community",
    ),
    Persona(
        Role.LEGAL_ADVISOR,
        "13900000009",
        "莫文静",
        "female",
        datetime.date(1984, 4, 21),
        "community",
    ),
    Persona(
        Role.POLICE_OFFICER,
        "13900000010",
        "覃振华",
        "male",
        datetime.date(1987, 12, 5),
        "community",
    ),
    Persona(
        Role.MERCHANT_STAFF,
        "13900000011",
        "蒙桂芳",
        "female",
        datetime.date(1976, 8, 19),
        "merchant",
    ),
    Persona(
        Role.CARE_PROVIDER, "13900000012", "韦春兰", "female", datetime.date(1980, 2, 27), "care"
    ),
    Persona(
        Role.RESIDENT,
        "13900000013",
        "黄秀英",
        "female",
        datetime.date(1944, 5, 12),
        "grid",
        account="elder",
    ),
    Persona(
        Role.RESIDENT,
        "13900000014",
        "黄丽萍",
        "female",
        datetime.date(1971, 9, 3),
        "grid",
        account="family",
    ),
    Persona(
        Role.COUNSELLOR,
        "13900000015",
        "苏婉清",
        "female",
        datetime.date(1983, 10, 8),
        "community",
    ),
    Persona(
        Role.PARTY_MEMBER,
        "13900000016",
        "罗惠芬",
        "female",
        datetime.date(1962, 4, 16),
        "community",
        account="branch_secretary",
    ),
    Persona(
        Role.PARTY_MEMBER,
        "13900000017",
        "邓俊峰",
        "male",
        datetime.date(1988, 5, 20),
        "community",
        account="project_officer",
    ),
    Persona(
        Role.VOLUNTEER,
        "13900000018",
        "梁淑贞",
        "female",
        datetime.date(1966, 8, 8),
        "community",
        account="team_leader",
    ),
]
# The log-ins that are not one role's: what `demo_accounts` calls them, in both languages.
ACCOUNT_LABELS = {
    "elder": "长辈 elder",
    "family": "家属 family",
    "branch_secretary": "支部书记 branch secretary",
    "project_officer": "项目专员 project officer",
    "team_leader": "志愿服务队队长 volunteer-team leader",
}
# Where they land: the elder and her daughter on home care, the branch secretary on her branch,
# the project officer on his team's projects.
ACCOUNT_HOMES = {
    "elder": "care:home",
    "family": "care:home",
    "branch_secretary": "party:home",
    "project_officer": "projects:list",
    "team_leader": "dashboards:dashboard",
}


def persona_of(account: str) -> Persona:
    return next(p for p in PERSONAS if p.account == account)


def role_persona(role: str) -> Persona:
    """The demo log-in of `role` (not one of the second log-ins a resident may have)."""
    return next(p for p in PERSONAS if p.role == role and not p.account)


def demo_accounts() -> dict[str, dict[str, str]]:
    """{role: {"username", "password", "home"}} for every role, in the order of Role, then the
    elder's and the family member's log-ins, whose home is home care, the branch secretary's,
    whose home is the party organisations, and the project officer's, whose home is his team's
    responsibility projects."""
    by_role = {persona.role: persona for persona in PERSONAS if not persona.account}
    home = reverse("home")
    accounts = {
        role.value: {
            "username": by_role[role].phone,
            "password": DEMO_PASSWORD,
            "home": home,
        }
        for role in Role
    }
    for account in ACCOUNT_LABELS:
        accounts[account] = {
            "username": persona_of(account).phone,
            "password": DEMO_PASSWORD,
            "home": reverse(ACCOUNT_HOMES[account]),
        }
    return accounts


def demo_open311_api_key() -> str:
    """The demo Open311 client's api_key, derived from SECRET_KEY.

    The database keeps only the token's hash; deriving the key lets `demo_accounts` print it
    again on every run, while each installation (each SECRET_KEY) has its own.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"meihao demo open311 api_key", hashlib.sha256
    ).digest()
    return "mh_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
