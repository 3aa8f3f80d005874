"""A step table: the steps an app built on the case engine offers on its cases, read by both
its pages and its API so a step has one name everywhere.

A step's `name` is its path segment in URLs and the API (hyphenated: `check-in`); `action` is
the engine action it takes, which is also the key of `cases.access.case_abilities` that says who may
take it now; `done` is the page's message once taken. `perform(*, case, actor, inputs)` takes
it with the request's inputs (a mapping: the page's form, the API's payload, the same keys).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    name: str
    action: str
    label: str
    done: str
    perform: Callable


class StepTable:
    def __init__(self, *steps: Step):
        self._by_name = {step.name: step for step in steps}
        # Templates reach a step by the engine action its ability is keyed by.
        self.by_action = {step.action: step for step in steps}

    def get(self, name: str) -> Step | None:
        return self._by_name.get(name)

    def take(self, name: str, *, case, actor, inputs: Mapping):
        return self._by_name[name].perform(case=case, actor=actor, inputs=inputs)

    def __iter__(self):
        return iter(self._by_name.values())


def engine_step(action: str, field: str = "") -> Callable:
    """A step's `perform` that takes the engine's own `action` (cases.services.ACTION_SERVICES),
    passing the input `field` (a reason, a note) when it takes one."""

    def perform(*, case, actor, inputs):
        from meihao.cases import services

        kwargs = {field: inputs.get(field) or ""} if field else {}
        return services.ACTION_SERVICES[action](case=case, actor=actor, **kwargs)

    return perform
