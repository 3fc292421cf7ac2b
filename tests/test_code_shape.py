"""The shape of the hub's code: small modules, and no import cycles among its modules, the content
and GraphQL packages included (issue 18's measured targets). Both are read from the source files
(lines; imports with ``ast``), so a failure names the file or the modules to look at."""

from __future__ import annotations

import ast
from pathlib import Path

HUB = Path(__file__).resolve().parent.parent / "hub"

#: A file longer than this is asking to be split (STYLE.md: small modules, one job each).
MOST_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(HUB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that ``path`` imports, wherever the import is.

    Imports inside functions and under ``TYPE_CHECKING`` count too: a cycle hidden that way is
    still a knot (types -> queries -> loaders -> types was one), and one that makes the import
    order matter. As import-linter counts them: ``from package import name`` imports the
    submodule ``package.name`` when there is one, else ``package``; the parent packages Python
    runs on the way are not counted (``hub/__init__.py`` imports the public API by design).
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # a name in a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Every module of hub/ (migrations aside: nothing imports them) and the hub modules it
    imports: a cycle among the content and GraphQL modules may pass through another of the
    hub's (``hub.events``)."""
    paths = {
        module_name(path): path for path in HUB.rglob("*.py") if "migrations" not in path.parts
    }
    modules = set(paths)
    return {name: imported_modules(path, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def a_cycle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """One circle of imports through ``members``' first module: ``a -> b -> a``."""
    start, inside = members[0], set(members)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for successor in sorted(graph[node] & inside):
            if successor == start:
                return [*paths[node], start]
            if successor not in paths:
                paths[successor] = [*paths[node], successor]
                queue.append(successor)
    return members


def test_no_file_in_hub_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(HUB.parent)): length
        for path in sorted(HUB.rglob("*.py"))
        if (length := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert not too_long, f"files over {MOST_LINES} lines (split them): {too_long}"


def test_no_import_cycle_among_the_hubs_modules() -> None:
    graph = import_graph()
    assert graph["hub.content.registry"], "the import graph is read from the source files"
    found = [" -> ".join(a_cycle(graph, members)) for members in cycles(graph)]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_the_cycle_check_sees_a_cycle() -> None:
    # The check itself: a circle of three is found and reported as one.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
