"""factory_boy factories for people. Valid ID-card numbers are computed, not hard-coded."""

import datetime

import factory
from factory.django import DjangoModelFactory

from meihao.core.idcard import birth_date_of, check_digit, gender_of
from meihao.people.identity import id_number_fields
from meihao.people.models import ApiToken, Organisation, Person, PersonTag, Team, User


def make_id_number(
    *, region: str = "450403", born: datetime.date = datetime.date(1980, 5, 17), serial: int = 1
) -> str:
    """A GB 11643-valid number; an odd `serial` makes a man, an even one a woman."""
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + check_digit(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("Meihao-test-2024")


class PersonFactory(DjangoModelFactory):
    """A resident of `home_place` (pass one: a community or grid)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    class Params:
        id_number = ""

    real_name = factory.Faker("name", locale="zh_CN")
    gender = factory.LazyAttribute(lambda o: gender_of(o.id_number) if o.id_number else "")
    birth_date = factory.LazyAttribute(
        lambda o: birth_date_of(o.id_number) if o.id_number else None
    )
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    home_place_path = factory.LazyAttribute(lambda o: o.home_place.path if o.home_place else "")
    id_number_encrypted = factory.LazyAttribute(
        lambda o: id_number_fields(o.id_number)["id_number_encrypted"]
    )
    id_number_hash = factory.LazyAttribute(
        lambda o: id_number_fields(o.id_number)["id_number_hash"]
    )
    id_number_masked = factory.LazyAttribute(
        lambda o: id_number_fields(o.id_number)["id_number_masked"]
    )

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            PersonTag.objects.bulk_create(PersonTag(person=obj, tag=t) for t in extracted)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Organisation.Kind.UNIT
    place_path = factory.LazyAttribute(lambda o: o.place.path)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"队伍{n}")
    kind = Team.Kind.VOLUNTEER
    place_path = factory.LazyAttribute(lambda o: o.place.path)


class ApiTokenFactory(DjangoModelFactory):
    class Meta:
        model = ApiToken

    name = "app"
