"""The demo Open311 client: an API-only account and its api_key (see docs/open311.md)."""

from django.db import transaction

from meihao.core.roles import Role
from meihao.demo.accounts import OPEN311_CLIENT_NAME, OPEN311_CLIENT_PHONE, demo_open311_api_key
from meihao.people.auth import token_hash
from meihao.people.models import ApiToken, RoleAssignment, User
from meihao.places.models import Place


@transaction.atomic
def load_open311_client(district_code: str) -> tuple[int, int]:
    """Create the client account (resident of the district, no password) and its token.

    Idempotent: matched on the phone, the role and the token's hash. Returns (created, existing).
    """
    user = User.objects.filter(phone=OPEN311_CLIENT_PHONE).first()
    if user is None:
        user = User.objects.create_user(OPEN311_CLIENT_PHONE, None, name=OPEN311_CLIENT_NAME)
        created = 1
    else:
        created = 0
    district = Place.objects.get(code=district_code)
    RoleAssignment.objects.get_or_create(user=user, role=Role.RESIDENT, place=district)
    plaintext = demo_open311_api_key()
    ApiToken.objects.get_or_create(
        token_hash=token_hash(plaintext),
        defaults={"user": user, "name": "Open311 demo", "prefix": plaintext[:8]},
    )
    return created, 1 - created
