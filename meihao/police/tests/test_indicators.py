"""The police figures, from the records: tips by kind and state with the hours to action, the
groups and their members, for the place and period asked, never naming the reporter."""

import datetime

from meihao.insights.registry import REGISTRY, Span, ranked
from meihao.police import groups, services

DECEMBER = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
SENT = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=datetime.UTC)


def test_the_figures_count_what_the_records_say(personas, block, officer, time_machine):
    time_machine.move_to(SENT, tick=False)
    first = services.tip_send(actor=personas.resident_a, kind="0101", description="可疑人员")
    second = services.tip_send(
        actor=personas.resident_a,
        kind="0201",
        description="消防通道堵塞",
        idempotency_key="tip-two-x",
    )
    time_machine.move_to(SENT + datetime.timedelta(hours=3), tick=False)
    services.tip_start(actor=officer, case=first.case)
    group = groups.group_create(actor=officer, block_id=block.pk, name="骑楼警民群")
    groups.group_join(actor=personas.resident_a, group=group)
    groups.group_join(actor=personas.volunteer_a, group=group)

    span = Span.of(personas.tree.community_a.path, *DECEMBER)
    assert REGISTRY["police_tips"].measure(span).value == 2
    action = REGISTRY["police_tip_action_hours"].measure(span)
    assert (action.value, action.denominator) == (3.0, 1)
    assert REGISTRY["police_groups"].measure(span).value == 1
    assert REGISTRY["police_group_members"].measure(span).value == 2
    indicator = REGISTRY["police_tips"]
    families = ranked(indicator, indicator.ranking("family"), span)
    assert sorted((row["name"], row["measure"].value) for row in families) == [
        ("可疑线索", 1),
        ("安全隐患", 1),
    ]
    row = [str(c.value(indicator.records(span).get(pk=second.case.pk))) for c in indicator.columns]
    assert "居民甲" not in row and "消防通道堵塞" not in row
    # Another community or November: none.
    other = Span.of(personas.tree.community_b.path, *DECEMBER)
    assert REGISTRY["police_tips"].measure(other).value == 0
    assert REGISTRY["police_groups"].measure(other).value == 0
    november = Span.of(personas.tree.community_a.path, *NOVEMBER)
    assert REGISTRY["police_tips"].measure(november).value == 0
    assert REGISTRY["police_group_members"].measure(november).value == 0
