"""The district's configuration screens for home care open and save for a superuser."""

from meihao.care.models import CareService, VoucherPolicy
from meihao.people.models import User


def test_the_catalogue_and_the_policies_are_edited_in_the_admin(client, canteen):
    admin = User.objects.create_superuser("13800000099", "pw-0123456789")
    client.force_login(admin)
    meal = CareService.objects.get(code="MEAL-01")
    for url in (
        "/admin/care/careservice/",
        f"/admin/care/careservice/{meal.pk}/change/",
        "/admin/care/voucherpolicy/add/",
        "/admin/care/provider/",
        f"/admin/care/provider/{canteen.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/care/voucherpolicy/add/",
        {
            "name": "高龄补贴",
            "min_level": "2",
            "monthly_cents": "15000",
            "share_percent": "60",
            "services": [meal.pk],
        },
    )
    assert response.status_code == 302
    assert VoucherPolicy.objects.get(name="高龄补贴").services.get() == meal
    assert client.get("/admin/care/provider/add/").status_code == 403
    # Providers are shown, not changed: the product's pages keep their offerings in step.
    page = client.get(f"/admin/care/provider/{canteen.pk}/change/")
    assert "长者食堂午餐" in page.text and 'name="lat"' not in page.text
    assert (
        client.post(f"/admin/care/provider/{canteen.pk}/change/", {"lat": "1"}).status_code == 403
    )
