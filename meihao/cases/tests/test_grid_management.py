"""Only grid-management types (CaseType.grid_management) reach the dispatch board, the queues
and the staff counts; the engine's other types (micro-wishes, help requests) keep their own."""

import pytest

from meihao.cases import selectors, services
from meihao.cases.models import Case, CaseType
from meihao.core.roles import Role


@pytest.fixture
def help_type(db):
    # Like the time bank's and the wishes' types: on the engine, not grid management.
    return CaseType.objects.create(
        code="HELPTEST",
        number_prefix="HT",
        name_zh="互助测试",
        name_en="Help test",
        submit_roles=[Role.RESIDENT],
        claim_roles=[Role.PARTY_MEMBER],
        dispatch_mode=CaseType.DispatchMode.CLAIM,
    )


@pytest.fixture
def help_request(personas, help_type):
    return services.case_submit(
        actor=personas.resident_a,
        case_type=help_type,
        description="想请人陪同就医",
        place=personas.tree.grid_a1,
        channel=Case.Channel.RESIDENT,
    )


def test_the_catalogues_decide_what_is_grid_management(grid_type):
    codes = set(CaseType.objects.grid_management().values_list("code", flat=True))
    assert codes == {"GRID"}
    from meihao.timebank.catalogue import TIMEBANK_TYPE
    from meihao.wishes.catalogue import WISH_TYPE

    assert "grid_management" not in WISH_TYPE and "grid_management" not in TIMEBANK_TYPE


def test_board_and_counts_leave_other_types_out(personas, new_case, help_request):
    case = new_case()
    chief = personas.street_chief_a
    board = selectors.board_cases(chief, selectors.BoardFilters.from_params({}))
    assert list(board.values_list("number", flat=True)) == [case.number]
    assert selectors.staff_counts(chief)["board"] == 1
    # The help request is still in the case tables and visible to the chief.
    assert Case.objects.visible_to(chief).filter(pk=help_request.pk).exists()


def test_board_filters_offer_grid_classes_only(personas, grid_type, help_type):
    help_type.categories.create(code="01", name_zh="互助")
    choices = selectors.board_filter_choices(personas.street_chief_a)
    assert {c.case_type_id for c in choices["majors"]} == {grid_type.pk}


def test_verify_list_leaves_other_types_out(personas, new_case, help_request):
    case = new_case()
    Case.objects.filter(pk__in=[case.pk, help_request.pk]).update(status="reported_back")
    numbers = selectors.verify_cases(personas.street_chief_a).values_list("number", flat=True)
    assert list(numbers) == [case.number]
