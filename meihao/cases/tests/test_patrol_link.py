"""A grid worker's report made on a patrol is linked to that patrol."""

import uuid

from meihao.cases.models import Case
from meihao.patrols.services import patrol_end, patrol_start


def test_report_on_a_patrol_links_to_it(personas, new_case):
    started = patrol_start(
        actor=personas.grid_worker_a, client_id=uuid.uuid4(), grid=personas.tree.grid_a1
    )
    case = new_case(actor=personas.grid_worker_a)
    assert case.patrol == started.session
    assert list(started.session.cases.all()) == [case]


def test_report_without_a_patrol_or_by_a_resident_links_to_none(personas, new_case):
    started = patrol_start(
        actor=personas.grid_worker_a, client_id=uuid.uuid4(), grid=personas.tree.grid_a1
    )
    by_resident = new_case(actor=personas.resident_a, channel=Case.Channel.RESIDENT)
    assert by_resident.patrol is None
    patrol_end(actor=personas.grid_worker_a, session=started.session)
    after_patrol = new_case(actor=personas.grid_worker_a)
    assert after_patrol.patrol is None
