"""The package's shape: which part may import which, and no import cycle (docs/architecture.md).

The pipeline runs one way: content -> view -> outputs -> (build, preview). A part may import
the parts before it, never one after it; only the preview and the command line import the
preview. Imports inside functions count too (the command line imports its commands lazily).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "src" / "statusgen"
#: Modules every part may use: errors, time, files, URLs, bundled resources, the version.
BASE = {"errors", "timeutil", "fsutil", "urls", "resources", "__init__"}
#: What each part may import besides itself and the base modules.
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "content": set(),
    "view": {"content"},
    "outputs": {"content", "view"},
    "check": {"content", "view"},
    "authoring": {"content", "view"},
    "build": {"content", "view", "outputs"},
    "preview": {"content", "view", "outputs", "build"},
    "notify": {"content", "view", "outputs"},
    "cli": {"content", "view", "outputs", "build", "check", "authoring", "preview", "notify"},
    "__main__": {"cli"},
}


def part_of(module: str) -> str:
    """Return the part a dotted module name (below statusgen) belongs to."""
    head = module.split(".")[0]
    return "base" if head in BASE or head == "" else head


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(rel[:-1] if rel[-1] == "__init__" else rel) or "__init__"
        found[name] = path
    return found


def imports_of(name: str, path: Path) -> list[tuple[str, bool]]:
    """Return (imported name below statusgen, at module level) for every import of ``path``.

    ``from .pkg import a, b`` gives ``pkg.a`` and ``pkg.b``: :func:`graph` keeps each as the
    module it names, or the longest module it lies in.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    base = name.split(".") if name != "__init__" else []
    if path.name != "__init__.py":
        base = base[:-1]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parent = base[: len(base) - (node.level - 1)]
                target = ".".join(parent + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("statusgen"):
                target = node.module.removeprefix("statusgen").lstrip(".")
            else:
                continue
            at_top = id(node) in top_level
            found += [(f"{target}.{alias.name}".lstrip("."), at_top) for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("statusgen."):
                    found.append((alias.name.removeprefix("statusgen."), id(node) in top_level))
    return found


def graph() -> dict[str, list[tuple[str, bool]]]:
    known = modules()
    edges: dict[str, list[tuple[str, bool]]] = {}
    for name, path in known.items():
        resolved = []
        for target, at_top in imports_of(name, path):
            # `from .x import y` names the module x.y, or a name y in the module x.
            while target and target not in known:
                target = target.rpartition(".")[0]
            resolved.append((target or "__init__", at_top))
        edges[name] = resolved
    return edges


def test_the_graph_is_read_correctly() -> None:
    edges = graph()
    assert ("content.loader", False) in edges["cli.site"]  # lazy, inside a command
    assert ("view.types", True) in edges["view.derive"]
    assert ("errors", True) in edges["content.validation"]


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_parts_import_only_what_comes_before_them(part: str) -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items() if part_of(name) == part
        for target, _ in targets
        if part_of(target) not in {part, "base"} | ALLOWED[part]
    )
    assert not wrong, "imports against the direction of the pipeline:\n" + "\n".join(wrong)


def test_base_modules_import_no_part() -> None:
    wrong = [f"{name} imports {target}" for name, targets in graph().items() if part_of(name) == "base"
             for target, _ in targets if part_of(target) != "base"]
    assert not wrong


def test_no_import_cycle() -> None:
    """Modules imported when the package loads form no cycle (lazy imports inside functions do not count)."""
    edges = defaultdict(set)
    for name, targets in graph().items():
        edges[name] |= {target for target, at_top in targets if at_top and target != name}
    # A package imports its own modules in __init__ to re-export them; that is not a cycle back.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(modules()):
        if node not in state:
            visit(node)


def test_no_module_is_much_longer_than_450_lines() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 470}
    assert not long


def test_every_package_says_what_lives_there() -> None:
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) > 20, f"{init.relative_to(ROOT)} needs a docstring saying what lives there"
