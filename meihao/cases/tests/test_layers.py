"""The case kernel's layers: the state machine below the models, who-may-act above them.

An import from a higher layer into a lower one (even inside a function) would bring back the
circle between the models and the workflow that this layering removed.
"""

import ast
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_state_machine_imports_nothing_of_the_product():
    assert not {m for m in imported_modules(CASES / "states.py") if m.startswith("meihao")}


@pytest.mark.parametrize("module", ["models.py", "extensions.py", "formschema.py", "states.py"])
def test_below_access_nothing_imports_access_or_services(module):
    above = ("meihao.cases.access", "meihao.cases.services", "meihao.cases.views")
    imports = imported_modules(CASES / module)
    assert not {m for m in imports if m.startswith(above)}, module


def test_services_are_split_by_concept():
    """No module of the services package grows back into the one long file it was."""
    for path in (CASES / "services").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path.name
