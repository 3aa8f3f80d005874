"""Personal data at rest: encryption, keyed search hash, masking."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured

from meihao.core import pii

NUMBER = "11010519491231002X"


def test_encryption_round_trip():
    assert pii.decrypt(pii.encrypt(NUMBER)) == NUMBER
    assert pii.decrypt(pii.encrypt("张三 ☺")) == "张三 ☺"


def test_same_value_gives_different_ciphertexts():
    first, second = pii.encrypt(NUMBER), pii.encrypt(NUMBER)
    assert first != second
    assert NUMBER not in first
    assert pii.decrypt(first) == pii.decrypt(second) == NUMBER


def test_tampered_ciphertext_is_refused():
    raw = bytearray(base64.b64decode(pii.encrypt(NUMBER)))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.decrypt(base64.b64encode(bytes(raw)).decode())


def test_ciphertext_from_another_key_is_refused(settings):
    token = pii.encrypt(NUMBER)
    settings.PII_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(InvalidTag):
        pii.decrypt(token)


def test_search_hash_is_equal_for_equal_numbers_and_normalised():
    assert pii.search_hash(NUMBER) == pii.search_hash(NUMBER)
    assert pii.search_hash(f" {NUMBER.lower()} ") == pii.search_hash(NUMBER)
    assert pii.search_hash(NUMBER) != pii.search_hash("110105194912310021")
    assert len(pii.search_hash(NUMBER)) == 64


def test_search_hash_is_keyed(settings):
    before = pii.search_hash(NUMBER)
    settings.PII_KEY = base64.b64encode(b"k" * 32).decode()
    assert pii.search_hash(NUMBER) != before


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_pii_key_fails_loudly(settings, bad):
    settings.PII_KEY = bad
    with pytest.raises(ImproperlyConfigured):
        pii.encrypt(NUMBER)


def test_masking():
    assert pii.mask_id_number(NUMBER) == "110105********002X"
    assert pii.mask_id_number("12345") == "*****"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_phone("") == ""
    assert pii.mask_name("张三丰") == "张**"
    assert pii.mask_name("") == ""


def test_a_name_to_greet_keeps_the_first_and_last_characters():
    assert pii.mask_name_to_greet("张三丰") == "张*丰"
    assert pii.mask_name_to_greet("欧阳娜娜") == "欧**娜"
    assert pii.mask_name_to_greet("李四") == "李*"
    assert pii.mask_name_to_greet(" 王 ") == "*"
    assert pii.mask_name_to_greet("") == ""
