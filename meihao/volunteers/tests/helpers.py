"""Building volunteers, the alliance and service hours in tests."""

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from meihao.activities.records import service_record_enter_by_staff
from meihao.core import idcard
from meihao.people.models import Team
from meihao.volunteers import teams
from meihao.volunteers.services import volunteer_register


def id_number(born: datetime.date, sequence: str = "123") -> str:
    """A valid GB 11643 number of someone born in Wanxiu District on `born`."""
    first17 = f"450403{born:%Y%m%d}{sequence}"
    return first17 + idcard.check_digit(first17)


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("sheet.png", out.getvalue(), content_type="image/png")


def credit(personas, person, minutes: int, *, day: datetime.date | None = None):
    """Service minutes for `person`, entered by community A's staff with evidence."""
    return service_record_enter_by_staff(
        actor=personas.community_staff_a,
        person=person,
        service_date=day or timezone.localdate() - datetime.timedelta(days=1),
        place=personas.tree.community_a,
        content="治安巡逻",
        minutes=minutes,
        recording_organisation="骑楼社区居委会",
        person_in_charge="社区干部甲",
        evidence=photo(),
    )


def register(user, *, born=datetime.date(1980, 5, 17), sequence="123", **overrides):
    """Register `user` as a volunteer with a fresh valid ID number."""
    fields = {
        "actor": user,
        "consent_given": True,
        "real_name": user.person.real_name,
        "id_number": id_number(born, sequence),
    }
    fields.update(overrides)
    return volunteer_register(**fields)


@dataclass
class Alliance:
    district: Team
    street_a: Team
    street_b: Team
    team_a: Team  # a volunteer team of community A under street alliance A
    red_armband_a: Team
    squad_a: Team
    team_b: Team  # a volunteer team of community B under street alliance B


def build_alliance(personas) -> Alliance:
    admin, tree = personas.district_admin, personas.tree
    district = teams.alliance_team_create(
        actor=admin, name="万秀区党建益联盟", kind=Team.Kind.VOLUNTEER, place=tree.district
    )
    street_a = teams.alliance_team_create(
        actor=admin,
        name="城东街道联盟",
        kind=Team.Kind.VOLUNTEER,
        place=tree.street_a,
        parent=district,
    )
    street_b = teams.alliance_team_create(
        actor=admin,
        name="城南街道联盟",
        kind=Team.Kind.VOLUNTEER,
        place=tree.street_b,
        parent=district,
    )

    def team(name, kind, place, parent):
        return teams.alliance_team_create(
            actor=admin, name=name, kind=kind, place=place, parent=parent
        )

    return Alliance(
        district=district,
        street_a=street_a,
        street_b=street_b,
        team_a=team("骑楼志愿服务队", Team.Kind.VOLUNTEER, tree.community_a, street_a),
        red_armband_a=team("骑楼红袖章", Team.Kind.RED_ARMBAND, tree.community_a, street_a),
        squad_a=team("爱心义诊队", Team.Kind.SERVICE_SQUAD, tree.community_a, street_a),
        team_b=team("河东志愿服务队", Team.Kind.VOLUNTEER, tree.community_b, street_b),
    )
