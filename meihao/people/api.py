"""People endpoints, mounted at /api/v1/. Parse, call a selector, serialise: no logic here."""

from ninja import Query, Router
from pydantic import Field

from meihao.core import pii
from meihao.core.errors import NotFound
from meihao.core.schemas import Id, PageQuery
from meihao.people import selectors
from meihao.people.schemas import MeOut, PersonDetailOut, PersonPage

router = Router()


class PeopleQuery(PageQuery):
    q: str = Field("", max_length=50, description="Name, mobile number or its last 4, ID number")


@router.get("/me", response=MeOut, summary="The logged-in user, their roles and abilities")
def me(request):
    user = request.user
    person = selectors.own_person(user)
    return {
        "id": user.pk,
        "name": user.name,
        "phone_masked": pii.mask_phone(user.phone),
        "person_id": person.pk if person else None,
        "roles": list(selectors.role_assignments_of(user)),
        "abilities": {f"people_{k}": v for k, v in selectors.people_abilities(user).items()},
    }


@router.get("/people", response=PersonPage, summary="People the user may see, searched")
def people_list(request, params: Query[PeopleQuery]):
    if not selectors.people_abilities(request.user)["list"]:
        raise NotFound()
    people = selectors.person_list(request.user, params.q)
    return {
        "items": list(people[params.offset : params.offset + params.limit]),
        "count": people.count(),
    }


@router.get("/people/{person_id}", response=PersonDetailOut, summary="One person, masked")
def person_detail(request, person_id: Id):
    return selectors.person_get(request.user, person_id)
