"""Imports run one way (README, Architecture): an app imports only apps before it in the chain."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "jaring"
ORDER = [
    ["core"],
    ["programmes"],
    ["eligibility"],
    ["registry"],
    ["allocation"],
    ["aid"],  # in-kind aid: deliveries to people holding places; needs nothing of verification or BPJS
    ["verification"],
    ["enrolment"],
    ["contributions"],
    ["claims"],  # asks contributions whether a member's cover held on the day of a death or an accident
    ["duplicates"],  # a merge moves claims too, and refuses two reports of one event for one person
    ["reports", "api", "demo"],
]
RANK = {app: i for i, group in enumerate(ORDER) for app in group}
TERMINAL = {"reports", "api", "demo"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "jaring" and parts[1] in RANK:
                names.add(parts[1])
    return names


@pytest.mark.parametrize("app", sorted(RANK))
def test_an_app_imports_only_apps_before_it(app: str) -> None:
    for path in (PACKAGE / app).rglob("*.py"):
        for other in imported_apps(path) - {app}:
            assert other not in TERMINAL, f"{path.relative_to(PACKAGE)} imports {other}, which nothing may import"
            assert RANK[other] < RANK[app], f"{path.relative_to(PACKAGE)} imports {other}, which comes after {app}"


def imported_views(path: Path) -> set[tuple[str, str]]:
    """(app, module) of every views module `path` imports: `jaring.<app>.views`, `jaring.<app>.import_views`,
    `jaring.<app>.<package>.views`..., whether imported as a module or from its package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if len(parts) > 2 and parts[0] == "jaring" and parts[1] in RANK and parts[-1].endswith("views"):
                found.add((parts[1], module))
    return found


def test_the_views_rule_reads_every_views_module(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from jaring.registry import import_views, services\n"
        "import jaring.enrolment.views\n"
        "from jaring.enrolment.cards.views import card_list\n"
        "from jaring.registry.selectors import applications_visible_to\n"
    )
    assert imported_views(source) == {
        ("registry", "jaring.registry.import_views"),
        ("enrolment", "jaring.enrolment.views"),
        ("enrolment", "jaring.enrolment.cards.views"),
    }


def test_no_app_imports_another_apps_views() -> None:
    """Views are the edge: an app may use another app's models, selectors and services, never a `*views`
    module of it (only URL configurations mount views)."""
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("urls.py", "settings.py"):
            continue
        for app, module in imported_views(path):
            if not path.is_relative_to(PACKAGE / app):
                pytest.fail(f"{path.relative_to(PACKAGE)} imports {module}")


# timezone.localtime/localdate read the clock when given no moment (or None): conversions go through
# clock.local/clock.localdate too, so there is one place to look.
CLOCK_READS = (
    "timezone.now(",
    "timezone.localdate(",
    "timezone.localtime(",
    "time.monotonic(",
    "date.today(",
    "datetime.now(",
    "time.time(",
    "datetime.utcnow(",
)


def test_only_the_clock_module_reads_the_clock() -> None:
    """Time is an input: every "now" and "today" goes through jaring.core.clock, which tests move."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "clock.py" or "migrations" in path.parts:
            continue
        source = path.read_text()
        for call in CLOCK_READS:
            assert call not in source, f"{path.relative_to(PACKAGE)} reads the clock with {call}; use jaring.core.clock"
    for template in PACKAGE.rglob("*.html"):
        assert "{% now" not in template.read_text(), f"{template.relative_to(PACKAGE)} reads the clock with {{% now %}}"


# -- who acts (core.actors) ---------------------------------------------------------------------------------


def _python_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and p.name != "actors.py"]


def test_who_acts_is_an_actor_or_an_officer_never_a_bare_label() -> None:
    """A service takes `actor: Actor | User`: a label (`str`) or nobody (`None`) would skip the permission check,
    and trusting the system is said with Actor.system(...) where it is decided."""
    for path in _python_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for arg in [*node.args.args, *node.args.kwonlyargs]:
                if arg.arg != "actor" or arg.annotation is None:
                    continue
                annotation = ast.unparse(arg.annotation)
                if "User" not in annotation and "Actor" not in annotation:
                    continue  # a filter by an actor's label (`actor: str = ""`), not who acts
                assert "str" not in annotation and "None" not in annotation, (
                    f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}(actor: {annotation}); take Actor | User"
                )


def test_an_actor_is_never_inspected_to_skip_a_check() -> None:
    """`isinstance(actor, User)` is how a string actor used to slip past a permission check; the Actor answers
    what a service needs (`require`, `.user`, `.label`)."""
    for path in _python_modules():
        source = path.read_text()
        assert "isinstance(actor," not in source, f"{path.relative_to(PACKAGE)} inspects its actor; ask the Actor"


def test_the_funder_check_lives_in_actor_require_only() -> None:
    """One function decides whether an actor may act on a funder's data: Actor.require(..., programme=/funder_id=).
    A service that compares the scope's funder itself is a copy of it."""
    copies = re.compile(r"not scope\.everything and (scope\.funder(_id)?|[a-z_.]*funder(_id)?) != ")
    for path in _python_modules():
        found = copies.search(path.read_text())
        assert found is None, f"{path.relative_to(PACKAGE)} checks the funder itself ({found.group(0)}...)"


def test_pages_take_the_signed_in_officer_from_officer_of() -> None:
    """No page module has its own `_user(request)`: core.actors.officer_of is the one."""
    for path in _python_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or [a.arg for a in node.args.args] != ["request"]:
                continue
            returns = ast.unparse(node.returns) if node.returns is not None else ""
            assert returns != "User", (
                f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}(request) -> User; use core.actors.officer_of"
            )
