"""One step table (wishes.steps): the wish page posts each step under the name the API takes,
so the two cannot drift apart."""

import re

from django.urls import reverse

from meihao.cases.models import Case
from meihao.wishes import services


def test_the_page_posts_each_step_under_the_name_the_api_takes(client, personas, published, photo):
    case = services.wish_claim(case=published(), actor=personas.party_member_a)
    services.wish_fulfil(case=case, actor=personas.party_member_a, note="送到了", photos=[photo()])
    client.force_login(personas.resident_a)
    page_url = reverse("wishes:detail", args=[case.number])
    posted = re.findall(rf'action="{page_url}([^/"]+)/"', client.get(page_url).content.decode())
    assert posted == ["confirm", "send-back"]

    response = client.post(
        f"/api/v1/wishes/{case.number}/{posted[1]}",
        {"reason": "还没收到"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == "reopened"
