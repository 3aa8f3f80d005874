"""Personal data at rest: AES-GCM encryption, a keyed hash for exact search, masking for display."""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"\x01"


@lru_cache(maxsize=4)
def _keys(secret: str, pii_key: str) -> tuple[bytes, bytes]:
    if pii_key:
        try:
            master = base64.b64decode(pii_key, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured("PII_KEY must be base64 (32 bytes).") from exc
        if len(master) != 32:
            raise ImproperlyConfigured("PII_KEY must decode to 32 bytes.")
    else:
        master = secret.encode()

    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)

    return derive(b"meihao pii encryption"), derive(b"meihao pii search hash")


def _encryption_key() -> bytes:
    return _keys(settings.SECRET_KEY, settings.PII_KEY)[0]


def _hash_key() -> bytes:
    return _keys(settings.SECRET_KEY, settings.PII_KEY)[1]


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_encryption_key()).encrypt(nonce, plaintext.encode(), _VERSION)
    return base64.b64encode(_VERSION + nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    version, nonce, sealed = raw[:1], raw[1:13], raw[13:]
    return AESGCM(_encryption_key()).decrypt(nonce, sealed, version).decode()


def search_hash(value: str) -> str:
    """Keyed hash for exact-match search: equal inputs give equal hashes, the key stays secret."""
    normalised = value.strip().upper()
    return hmac.new(_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """Show the first 6 (region) and last 4 digits: 450403********123X."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Mainland convention: 138****5678."""
    if len(value) != 11:
        return value[:3] + "*" * max(len(value) - 3, 0)
    return f"{value[:3]}****{value[-4:]}"


def mask_name(value: str) -> str:
    """张** for public lists: keep the family name only."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_name_to_greet(value: str) -> str:
    """张*三: the family name and the last character, enough to greet a person by at a counter
    or to tell a certificate's holder, nothing more (张* for two characters)."""
    value = (value or "").strip()
    if len(value) <= 1:
        return "*" if value else ""
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
