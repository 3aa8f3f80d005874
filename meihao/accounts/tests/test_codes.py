"""SMS codes: hashed at rest, expiring, single-use, a few wrong tries, rate-limited per number
and per client address; the backends."""

import datetime
import http.server
import json
import re
import threading

import pytest
import time_machine

from meihao.accounts import services
from meihao.accounts.models import CodePurpose, SelfRegistration, SmsCode
from meihao.accounts.tests.conftest import last_code, texts
from meihao.core.errors import ValidationFailed
from meihao.core.throttle import RateLimited
from meihao.people.models import User

PHONE = "13912345678"
OTHER_PHONE = "15912345678"
ADDRESS = "203.0.113.5"
MOMENT = datetime.datetime(2025, 6, 2, 9, 0, 30, tzinfo=datetime.UTC)
PASSWORD = "Meihao-resident-2025"  # noqa: S105 - test fixture


def _send(phone=PHONE, purpose=CodePurpose.REGISTER, address=ADDRESS):
    services.send_code(phone=phone, purpose=purpose, client_address=address)


def _register(code, phone=PHONE, address=ADDRESS):
    return services.register_resident(
        phone=phone, code=code, password=PASSWORD, client_address=address
    )


def test_the_stored_value_is_a_keyed_hash_not_the_code(db, sms_file):
    _send()
    code = last_code(sms_file, PHONE)
    stored = SmsCode.objects.get(phone=PHONE, purpose=CodePurpose.REGISTER)
    assert len(code) == 6 and code.isdigit()
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    assert stored.code_hash == services.code_hash(PHONE, CodePurpose.REGISTER, code)
    # Keyed: a plain SHA-256 of the number and code is not what is stored.
    import hashlib

    plain = hashlib.sha256(f"{PHONE}:{CodePurpose.REGISTER}:{code}".encode()).hexdigest()
    assert stored.code_hash != plain


def test_a_code_registers_a_resident_with_no_role(db, sms_file):
    _send()
    user = _register(last_code(sms_file, PHONE))
    assert user.phone == PHONE
    assert user.check_password(PASSWORD)
    assert SelfRegistration.objects.filter(user=user).exists()
    assert not user.role_assignments.exists()
    assert not user.is_staff


def test_a_code_is_single_use(db, sms_file):
    User.objects.create_user(PHONE, PASSWORD)
    _send(purpose=CodePurpose.LOGIN)
    code = last_code(sms_file, PHONE)
    assert services.user_for_login_code(phone=PHONE, code=code, client_address=ADDRESS)
    with pytest.raises(ValidationFailed) as refused:
        services.user_for_login_code(phone=PHONE, code=code, client_address=ADDRESS)
    assert refused.value.field == "code"


def test_a_code_expires_after_the_configured_minutes(db, sms_file, settings):
    settings.SMS_CODE_TTL_MINUTES = 5
    User.objects.create_user(PHONE, PASSWORD)
    with time_machine.travel(MOMENT, tick=False) as clock:
        _send(purpose=CodePurpose.LOGIN)
        code = last_code(sms_file, PHONE)
        clock.shift(datetime.timedelta(minutes=5))
        with pytest.raises(ValidationFailed):
            services.user_for_login_code(phone=PHONE, code=code, client_address=ADDRESS)
        clock.shift(datetime.timedelta(minutes=1))  # past the resend limit's minute
        _send(purpose=CodePurpose.LOGIN)
        code = last_code(sms_file, PHONE)
        clock.shift(datetime.timedelta(minutes=4, seconds=59))
        assert services.user_for_login_code(phone=PHONE, code=code, client_address=ADDRESS)


def test_wrong_codes_are_counted_and_kill_the_code(db, sms_file, settings):
    settings.SMS_CODE_MAX_ATTEMPTS = 3
    _send()
    code = last_code(sms_file, PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (2, 1):
        with pytest.raises(ValidationFailed) as refused:
            _register(wrong)
        assert f"还可以尝试 {left} 次" in str(refused.value.message)
    with pytest.raises(ValidationFailed):
        _register(wrong)
    assert SmsCode.objects.get(phone=PHONE).wrong_attempts == 3
    with pytest.raises(ValidationFailed) as refused:
        _register(code)  # the right code, too late
    assert "错误次数过多" in str(refused.value.message)
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_is_bound_to_its_number_and_purpose(db, sms_file):
    User.objects.create_user(OTHER_PHONE, PASSWORD)
    _send()
    code = last_code(sms_file, PHONE)
    with pytest.raises(ValidationFailed):  # another number
        services.user_for_login_code(phone=OTHER_PHONE, code=code, client_address=ADDRESS)
    with pytest.raises(ValidationFailed):  # another purpose on the same number
        services.reset_password(
            phone=OTHER_PHONE, code=code, password=PASSWORD, client_address=ADDRESS
        )


def test_a_new_code_replaces_the_earlier_one(db, sms_file):
    with time_machine.travel(MOMENT, tick=False) as clock:
        _send()
        first = last_code(sms_file, PHONE)
        clock.shift(61)
        _send()
        second = last_code(sms_file, PHONE)
        assert SmsCode.objects.filter(phone=PHONE).count() == 1
        if first != second:
            with pytest.raises(ValidationFailed):
                _register(first)
        assert _register(second).phone == PHONE


def test_codes_to_one_number_are_limited(db, sms_file, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_phone": (3, 3600)}
    with time_machine.travel(MOMENT, tick=False) as clock:
        _send(address="203.0.113.1")
        with pytest.raises(RateLimited):  # again within the minute, even from elsewhere
            _send(address="203.0.113.2")
        for address in ("203.0.113.3", "203.0.113.4"):
            clock.shift(60)
            _send(address=address)
        clock.shift(60)
        with pytest.raises(RateLimited) as refused:
            _send(address="203.0.113.9")
        assert refused.value.wait > 60
        assert len(texts(sms_file)) == 3
        _send(phone=OTHER_PHONE, address="203.0.113.9")  # another number is not limited


def test_codes_from_one_address_are_limited(db, sms_file, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_ip": (2, 3600)}
    _send(phone="13900000001")
    _send(phone="13900000002")
    with pytest.raises(RateLimited):
        _send(phone="13900000003")
    _send(phone="13900000003", address="198.51.100.1")
    assert [text["phone"] for text in texts(sms_file)] == [
        "13900000001",
        "13900000002",
        "13900000003",
    ]


def test_guessing_codes_from_one_address_is_limited(db, sms_file, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_verify": (2, 600)}
    for phone in ("13900000001", "13900000002", "13900000003"):
        _send(phone=phone, address="198.51.100.1")
    for phone in ("13900000001", "13900000002"):
        with pytest.raises(ValidationFailed):
            _register("000000", phone=phone)
    with pytest.raises(RateLimited):
        _register(last_code(sms_file, "13900000003"), phone="13900000003")
    assert not User.objects.exists()


def test_a_registration_code_is_not_sent_to_a_registered_number(db, sms_file):
    User.objects.create_user(PHONE, PASSWORD)
    with pytest.raises(ValidationFailed) as refused:
        _send()
    assert refused.value.code == "phone_taken"
    assert texts(sms_file) == []


def test_log_in_and_reset_codes_need_an_active_account(db, sms_file):
    with pytest.raises(ValidationFailed) as refused:
        _send(purpose=CodePurpose.LOGIN)
    assert refused.value.code == "no_account"
    User.objects.create_user(PHONE, PASSWORD, is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        _send(purpose=CodePurpose.RESET)
    assert refused.value.code == "inactive"
    assert texts(sms_file) == []


def test_reset_sets_the_new_password(db, sms_file):
    user = User.objects.create_user(PHONE, PASSWORD)
    _send(purpose=CodePurpose.RESET)
    services.reset_password(
        phone=PHONE,
        code=last_code(sms_file, PHONE),
        password="Another-secret-77",  # noqa: S106
        client_address=ADDRESS,
    )
    user.refresh_from_db()
    assert user.check_password("Another-secret-77")


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - the http.server hook's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    _Gateway.received = []
    _Gateway.status = 200
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "meihao.accounts.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_KEY = "gateway-key"
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_to_the_gateway(db, gateway):
    _send()
    [(authorization, body)] = gateway.received
    assert authorization == "Bearer gateway-key"
    assert body["phone"] == PHONE
    stored = SmsCode.objects.get(phone=PHONE)
    code = re.search(r"(?<![0-9])([0-9]{6})(?![0-9])", body["text"])[1]
    assert stored.code_hash == services.code_hash(PHONE, CodePurpose.REGISTER, code)


def test_a_refused_text_stores_no_code(db, gateway):
    gateway.status = 500
    with pytest.raises(services.SmsUnavailable):
        _send()
    assert not SmsCode.objects.exists()
