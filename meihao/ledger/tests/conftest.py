import pytest

from meihao.ledger.models import Unit
from meihao.ledger.services import account_for_person, issuer_account


@pytest.fixture
def points(personas):
    """The issuer of the test district and the points accounts of two residents."""

    class Points:
        issuer = issuer_account(personas.tree.district)
        a = account_for_person(personas.resident_a.person, Unit.POINTS)
        b = account_for_person(personas.resident_b.person, Unit.POINTS)

    return Points
