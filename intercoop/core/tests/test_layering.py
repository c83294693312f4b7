"""Grep-level checks of the conventions: writes are checked by their services, never by
the views and API handlers that call them; the audit trail is never edited."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
APPS = [
    "directory",
    "network",
    "exchange",
    "purchasing",
    "clearing",
    "governance",
    "capital",
    "membership",
]
WRITE_FLAGS = {"for_edit", "for_manage", "for_acting"}


def _handlers(app: str) -> list[Path]:
    """An app's views (views.py and views_*.py) and API handlers."""
    views = sorted((PACKAGE / app).glob("views*.py"))
    return [*views, *sorted((PACKAGE / app).glob("api*.py"))]


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_post_only(function: ast.FunctionDef) -> bool:
    names = {ast.unparse(d) for d in function.decorator_list}
    return any(
        "require_POST" in n or ".post(" in n or ".patch(" in n or ".delete(" in n or ".put(" in n
        for n in names
    )


@pytest.mark.parametrize("app", APPS)
def test_views_and_api_handlers_never_check_a_write_themselves(app):
    problems = []
    for path in _handlers(app):
        tree = ast.parse(path.read_text())
        for call in _calls(tree):
            if _name(call) == "require":
                problems.append(f"{path.name}:{call.lineno} calls require()")
        # API handlers, and views that only take a POST, do nothing but write: their rule
        # is the service's. (A page that shows a form may decide whom to show it to.)
        writes = [
            f
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and (path.name.startswith("api") or _is_post_only(f))
        ]
        for function in writes:
            for node in ast.walk(function):
                if isinstance(node, ast.Raise) and "PermissionDenied" in ast.unparse(node):
                    problems.append(f"{path.name}:{node.lineno} {function.name} raises 403")
            for call in _calls(function):
                flags = {k.arg for k in call.keywords} & WRITE_FLAGS
                if flags:
                    problems.append(
                        f"{path.name}:{call.lineno} {function.name} checks {sorted(flags)}"
                    )
    assert problems == []


def test_nothing_updates_or_deletes_audit_events():
    pattern = re.compile(r"AuditEvent\.objects[^\n]*\.(update|delete)\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and pattern.search(path.read_text())
    ]
    assert offenders == []


DOMAIN = (
    "models.py",
    "services.py",
    "deliveries.py",
    "selectors.py",
    "imports.py",
    "permissions.py",
)


def test_domain_code_reverses_no_url():
    offenders = [
        f"{app}/{name}"
        for app in APPS
        for name in DOMAIN
        if (PACKAGE / app / name).exists()
        and re.search(r"django\.urls|\breverse\(", (PACKAGE / app / name).read_text())
    ]
    assert offenders == []
