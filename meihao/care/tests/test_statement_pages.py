"""The statement pages: the street chief draws the sample, the community records the call-back,
the chief settles; the canteen's cook reads the statement, downloads it as PDF and Excel; nobody
else reads it."""

import datetime
import io

import openpyxl
import pytest

from meihao.care.models import Settlement
from meihao.care.tests.conftest import SHANGHAI
from meihao.core.roles import Role
from meihao.core.testing import make_user


@pytest.fixture
def january(time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI), tick=False)


def test_the_chief_settles_december_and_the_cook_reads_the_statement(
    client,
    personas,
    december,
    canteen,
    cook,
    january,
):
    url = f"/care/providers/{canteen.pk}/statement/?month=2026-12"
    client.force_login(personas.street_chief_a)
    page = client.get(url).content.decode()
    assert 'id="statement-orders">3<' in page and 'id="statement-due">¥18<' in page
    client.post(f"/care/providers/{canteen.pk}/statement/sample/?month=2026-12")
    page = client.get(url).content.decode()
    check = page.split('action="/care/checks/')[1].split("/")[0]
    # Settling with a call-back pending: refused, back on the page with the reason.
    refused = client.post(
        f"/care/providers/{canteen.pk}/statement/settle/?month=2026-12", {"next": url}
    )
    assert refused.status_code == 302 and not Settlement.objects.filter(status="settled").exists()
    client.force_login(personas.community_staff_a)
    client.post(f"/care/checks/{check}/", {"finding": "confirmed", "note": "<b>好</b>"})
    client.force_login(personas.street_chief_a)
    client.post(f"/care/providers/{canteen.pk}/statement/settle/?month=2026-12")
    page = client.get(url).content.decode()
    assert "已结算" in page and "&lt;b&gt;好&lt;/b&gt;" in page and 'id="settle"' not in page

    client.force_login(cook)
    page = client.get(url).content.decode()
    assert 'id="statement-due">¥18<' in page and 'id="settle"' not in page
    pdf = client.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(url + "&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    lines = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(lines) == 4 and lines[1][2] == "长者食堂午餐" and lines[1][3] == "黄**"
    assert client.post(f"/care/providers/{canteen.pk}/statement/settle/").status_code == 404


def test_nobody_else_reads_or_settles_it(client, personas, december, canteen, january):
    other = make_user(
        "13800000094", "城南街长", roles=[(Role.STREET_CHIEF, personas.tree.street_b)]
    )
    for outsider in (personas.resident_a, personas.grid_worker_b, other):
        client.force_login(outsider)
        assert client.get(f"/care/providers/{canteen.pk}/statement/").status_code == 404
        response = client.post(f"/care/providers/{canteen.pk}/statement/sample/?month=2026-12")
        assert response.status_code == 404
    assert not Settlement.objects.exists()
    client.force_login(personas.community_staff_a)  # reads, but does not settle
    assert client.get(f"/care/providers/{canteen.pk}/statement/").status_code == 200
    assert client.post(f"/care/providers/{canteen.pk}/statement/settle/").status_code == 404


def test_the_months_statements_of_the_officials_places(client, personas, december, canteen):
    client.force_login(personas.street_chief_a)
    page = client.get("/care/settlements/?month=2026-12").content.decode()
    row = page.split('id="settlements"')[1]
    assert canteen.name in row and "¥18" in row and "核对中" in row
    assert "3 个订单" in page.split('id="settlement-totals"')[1].split("</p>")[0]
    other = make_user(
        "13800000095", "城南社工", roles=[(Role.COMMUNITY_STAFF, personas.tree.community_b)]
    )
    client.force_login(other)
    assert canteen.name not in client.get("/care/settlements/?month=2026-12").content.decode()
    client.force_login(personas.resident_a)
    assert client.get("/care/settlements/").status_code == 404
