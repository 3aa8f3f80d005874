"""The one-time pass: issued for two minutes, signed, and refused when expired, used, forged,
tampered with or unknown — with nothing changed."""

import datetime

import pytest
from django.core import signing

from meihao.core.errors import NotFound, ValidationFailed
from meihao.ledger.models import Transfer
from meihao.rewards import passes
from meihao.rewards.models import Redemption, RedemptionPass
from meihao.rewards.services import pass_issue, redemption_redeem
from meihao.rewards.tests.conftest import NOW, balance, fund


def redeem(personas, code, item, key="confirm-0001"):
    return redemption_redeem(
        actor=personas.merchant_staff, code=code, item=item, idempotency_key=key
    )


def test_a_pass_lives_two_minutes_and_has_a_readable_short_code(personas):
    issued = pass_issue(actor=personas.volunteer_a)
    assert issued.person == personas.volunteer_a.person
    assert issued.expires_at - issued.issued_at == datetime.timedelta(minutes=2)
    assert issued.issued_at == NOW
    assert len(issued.short_code) == 8
    assert not set(issued.short_code) & set("0O1I")
    assert set(issued.short_code) <= set(passes.SHORT_CODE_ALPHABET)
    assert issued.short_code_display == f"{issued.short_code[:4]} {issued.short_code[4:]}"
    assert issued.is_live()


def test_each_pass_has_its_own_codes(personas):
    issued = [pass_issue(actor=personas.volunteer_a) for _ in range(20)]
    assert len({p.short_code for p in issued}) == 20
    assert len({p.nonce for p in issued}) == 20
    assert len({passes.token_for(p) for p in issued}) == 20


def test_a_token_or_the_short_code_finds_the_pass(personas):
    issued = pass_issue(actor=personas.volunteer_a)
    assert passes.find_pass(passes.token_for(issued)) == issued
    assert passes.find_pass(issued.short_code) == issued
    typed = f" {issued.short_code[:4].lower()}-{issued.short_code[4:].lower()} "
    assert passes.find_pass(typed) == issued


def test_a_pass_expires_after_two_minutes(personas, shop, frozen):
    fund(personas, personas.volunteer_a.person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    frozen.shift(datetime.timedelta(seconds=119))
    passes.check_live(passes.find_pass(issued.short_code))
    frozen.shift(datetime.timedelta(seconds=1))
    with pytest.raises(ValidationFailed) as refused:
        redeem(personas, passes.token_for(issued), shop.syrup)
    assert refused.value.code == "pass_expired"
    assert "过期" in str(refused.value.message)  # in the user's language (zh-hans default)
    shop.syrup.refresh_from_db()
    assert shop.syrup.stock == 5
    assert balance(personas.volunteer_a.person) == 100
    assert not Redemption.objects.exists()
    assert RedemptionPass.objects.get(pk=issued.pk).used_at is None


def test_a_used_pass_cannot_be_replayed(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    token = passes.token_for(issued)
    redeem(personas, token, shop.syrup, key="confirm-first")
    for code in (token, issued.short_code):
        with pytest.raises(ValidationFailed) as refused:
            redeem(personas, code, shop.syrup, key="confirm-second")
        assert refused.value.code == "pass_used"
    assert Redemption.objects.count() == 1
    assert balance(personas.volunteer_a.person) == 90
    shop.syrup.refresh_from_db()
    assert shop.syrup.stock == 4


def _tamper(token: str) -> str:
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def test_forged_and_tampered_tokens_are_refused_and_change_nothing(personas, shop):
    fund(personas, personas.volunteer_a.person, 100)
    issued = pass_issue(actor=personas.volunteer_a)
    other = pass_issue(actor=personas.resident_a)
    token = passes.token_for(issued)
    forged = [
        _tamper(token),
        # Another pass's id with this pass's signature.
        f"{other.pk}.{issued.nonce}:{token.rsplit(':', 1)[1]}",
        # Signed with the right key but another salt (another app's tokens).
        signing.Signer(salt="meihao.activities.checkin-token").sign(f"{issued.pk}.{issued.nonce}"),
        # Signed with another key.
        signing.Signer(key="not-the-site-key-0123456789", salt=passes.TOKEN_SALT).sign(
            f"{issued.pk}.{issued.nonce}"
        ),
        "12.abc:",
    ]
    for code in forged:
        with pytest.raises(ValidationFailed) as refused:
            redeem(personas, code, shop.syrup)
        assert refused.value.code == "forged_pass"
    # Correctly signed but naming a nonce the pass does not have.
    wrong_nonce = signing.Signer(salt=passes.TOKEN_SALT).sign(f"{issued.pk}.guessed")
    with pytest.raises(NotFound):
        redeem(personas, wrong_nonce, shop.syrup)
    assert not Redemption.objects.exists()
    assert not Transfer.objects.filter(kind=Transfer.Kind.REDEMPTION).exists()
    assert RedemptionPass.objects.filter(used_at__isnull=False).count() == 0
    shop.syrup.refresh_from_db()
    assert shop.syrup.stock == 5


@pytest.mark.parametrize("typed", ["ABCD2345", "abcd efgh", "0000OOOO", "1234", "", "  "])
def test_an_unknown_or_malformed_short_code_is_not_found(personas, shop, typed):
    fund(personas, personas.volunteer_a.person, 100)
    pass_issue(actor=personas.volunteer_a)
    with pytest.raises((NotFound, ValidationFailed)) as refused:
        redeem(personas, typed, shop.syrup)
    if typed.strip():
        assert isinstance(refused.value, NotFound)
        assert refused.value.code == "unknown_pass"
    assert not Redemption.objects.exists()
    assert RedemptionPass.objects.filter(used_at__isnull=False).count() == 0


def test_guessing_short_codes_finds_nothing(personas):
    """The short code is random over 32^8 values: a run of guesses hits no live pass."""
    live = {pass_issue(actor=personas.volunteer_a).short_code for _ in range(50)}
    misses = 0
    for _ in range(500):
        guess = passes.new_short_code()
        if guess in live:
            continue
        with pytest.raises(NotFound):
            passes.find_pass(guess)
        misses += 1
    assert misses >= 499


def test_a_log_in_without_a_resident_record_gets_no_pass(db):
    from meihao.people.models import User

    user = User.objects.create_user("13700000001", "x", name="无档案")
    with pytest.raises(NotFound):
        pass_issue(actor=user)
    assert not RedemptionPass.objects.exists()


def test_expired_unused_passes_are_purged_after_a_day_used_ones_kept(personas, shop, frozen):
    from meihao.rewards.services import passes_purge

    fund(personas, personas.volunteer_a.person, 100)
    unused = pass_issue(actor=personas.volunteer_a)
    used = pass_issue(actor=personas.volunteer_a)
    redeem(personas, used.short_code, shop.syrup)
    frozen.shift(datetime.timedelta(hours=23))
    assert passes_purge() == 0
    frozen.shift(datetime.timedelta(hours=2))
    fresh = pass_issue(actor=personas.volunteer_a)
    assert passes_purge() == 1
    assert set(RedemptionPass.objects.values_list("pk", flat=True)) == {used.pk, fresh.pk}
    assert not RedemptionPass.objects.filter(pk=unused.pk).exists()
