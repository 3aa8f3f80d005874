"""线上学习: a committee publishes, members of its subtree study, the committee sees who has not,
and the completion figure is what the records say."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meihao.core.errors import NotFound, ValidationFailed
from meihao.insights.registry import REGISTRY, Span
from meihao.party import study
from meihao.party.models import StudyMaterial, StudyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(party, personas):
    return study.material_publish(
        actor=personas.street_chief_a,
        org=party.street_a,
        title="学习贯彻党的二十届四中全会精神专题党课",
        url="https://live.example.cn/lecture/1",
    )


def test_a_committees_material_reaches_its_subtree(client, material, party, personas):
    client.force_login(personas.party_member_a)
    page = client.get(reverse("party:study")).content.decode()
    assert "专题党课" in page
    client.post(reverse("party:study_done", args=[material.pk]))
    client.post(reverse("party:study_done", args=[material.pk]))  # a double tap
    assert StudyRecord.objects.filter(material=material).count() == 1
    client.force_login(personas.street_chief_a)
    page = client.get(reverse("party:study_material", args=[material.pk])).content.decode()
    # Street A's members: the secretary, the party member (group), the street chief.
    assert "3 名党员中 1 名已学习" in page
    assert "支书甲" in page and "党员甲 ·" not in page


def test_others_do_not_see_it(client, material, party, personas):
    from meihao.core.testing import make_user
    from meihao.party.testing import make_member

    other = make_user("13800000077", "河东党员", home=personas.tree.grid_b1)
    make_member(other.person, party.branch_b1)
    for user in (other, personas.resident_a, personas.community_staff_a):
        client.force_login(user)
        assert client.get(reverse("party:study_material", args=[material.pk])).status_code == 404
        assert client.post(reverse("party:study_done", args=[material.pk])).status_code == 404
    with pytest.raises(NotFound):
        study.studied(actor=other, material=material)
    assert not StudyRecord.objects.exists()


@pytest.mark.parametrize(
    ("title", "url", "text"),
    [
        ("", "https://x.cn", ""),
        ("党课", "", ""),
        ("党课", "javascript:alert(1)", ""),
        ("党课", "ftp://x", ""),
    ],
)
def test_bad_materials_are_refused(party, personas, title, url, text):
    with pytest.raises(ValidationFailed):
        study.material_publish(
            actor=personas.street_chief_a, org=party.street_a, title=title, url=url, text=text
        )
    assert not StudyMaterial.objects.exists()


def test_a_secretary_publishes_only_under_their_branch(party):
    with pytest.raises(NotFound):
        study.material_publish(actor=party.secretary_a1, org=party.street_a, title="x", text="y")


def test_study_completion(material, party, personas):
    study.studied(actor=personas.party_member_a, material=material)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    span = Span(
        place_path=personas.tree.street_a.path,
        start=start,
        end=start + datetime.timedelta(days=1),
        first_day=today,
        last_day=today,
    )
    measure = REGISTRY["party_study_completion"].measure(span)
    assert (measure.numerator, measure.denominator) == (1, 3)
