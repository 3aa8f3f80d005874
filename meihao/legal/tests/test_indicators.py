"""The legal figures, from the records: consultations asked, disputes taken in, agreements
reached and the advisors' hours, each for the place and period asked, listing no question,
facts or party."""

import datetime

from meihao.insights.registry import REGISTRY, Span, ranked
from meihao.legal import services
from meihao.legal.tests.test_disputes import FACTS, agree, open_dispute, take_and_sit

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
MID_DECEMBER = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.UTC)


def test_the_figures_count_what_the_records_say(personas, advisor_a, advisor_b, time_machine):
    time_machine.move_to(MID_DECEMBER, tick=False)
    services.consultation_ask(actor=personas.resident_a, topic="0103", question="押金不退怎么办")
    services.consultation_ask(actor=personas.resident_b, topic="0101", question="离婚财产")
    agreed = agree(advisor_a, take_and_sit(advisor_a, open_dispute(personas).case, minutes=90))
    open_dispute(personas, kind="0103", idempotency_key="second-dispute")

    community_a = Span.of(personas.tree.community_a.path, *DECEMBER)
    district = Span.of(personas.tree.district.path, *DECEMBER)
    assert REGISTRY["legal_consultations"].measure(community_a).value == 1
    assert REGISTRY["legal_consultations"].measure(district).value == 2
    assert REGISTRY["legal_disputes"].measure(community_a).value == 2
    assert REGISTRY["legal_agreements"].measure(community_a).value == 1
    assert REGISTRY["legal_advisor_hours"].measure(community_a).value == 1.5
    disputes = REGISTRY["legal_disputes"]
    kinds = ranked(disputes, disputes.ranking("kind"), community_a)
    assert sorted((row["name"], row["measure"].value) for row in kinds) == [
        ("物业纠纷", 1),
        ("邻里纠纷", 1),
    ]
    # The records say number, kind, community, mediator and state: never facts or parties.
    record = REGISTRY["legal_agreements"].records(community_a).get()
    assert record == agreed
    row = [str(column.value(record)) for column in REGISTRY["legal_agreements"].columns]
    assert agreed.number in row and "骑楼社区" in row and "律师甲" in row
    assert not any(FACTS in cell or "黄大叔" in cell for cell in row)
    # Another community, or November: none of them.
    community_b = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert REGISTRY["legal_disputes"].measure(community_b).value == 0
    november = Span.of(personas.tree.community_a.path, *NOVEMBER)
    assert REGISTRY["legal_agreements"].measure(november).value == 0
    assert REGISTRY["legal_advisor_hours"].measure(november).value == 0
