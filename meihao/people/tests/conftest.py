import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each persona is a log-in; Argon2 at full cost makes every fixture take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
