"""The house plan holds: no import cycle between modules (imports inside functions counted), a short core, small
pipeline functions, and the read model used without going through the MCP package."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "creative_ai"


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its body (top level, functions, TYPE_CHECKING)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        base = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    source = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    target = f"{source}.{alias.name}"
                    if target in modules:
                        graph[name].add(target)
                    elif source in modules:
                        graph[name].add(source)
        # Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, unless the importer is inside them.
        for target in list(graph[name]):
            parts = target.split(".")
            for depth in range(1, len(parts)):
                parent = ".".join(parts[:depth])
                if parent in modules and not (name == parent or name.startswith(parent + ".")):
                    graph[name].add(parent)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    """Counted the way Python runs them: imports inside functions and the packages a dotted import runs first."""
    graph = import_graph()
    assert graph.get("creative_ai.pipeline.run")
    assert cycles(graph) == []


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text())
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_run_campaign_is_short_and_pipeline_functions_are_small() -> None:
    sizes = dict(_functions(PACKAGE / "pipeline" / "run.py"))
    assert 30 < sizes["run_campaign"] <= 60 * 2  # signature and docstring included; the body is measured below
    tree = ast.parse((PACKAGE / "pipeline" / "run.py").read_text())
    (core,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "run_campaign"]
    body = core.body[1:] if isinstance(core.body[0], ast.Expr) else core.body  # after the docstring
    lines = (core.end_lineno or core.lineno) - body[0].lineno + 1
    assert lines <= 60, f"run_campaign's body is {lines} lines"
    too_long = [
        f"{path.relative_to(SRC)}:{name} ({lines} lines)"
        for path in sorted((PACKAGE / "pipeline").glob("*.py"))
        for name, lines in _functions(path)
        if lines > 80
    ]
    assert too_long == []


def test_only_the_agent_and_its_commands_import_the_mcp_server() -> None:
    """The read model is ``facts``: the API, reports and pipeline read it directly; the agent's drafter reads the
    data through a real MCP session, so the agent (and the CLI that starts servers) may import the server."""
    graph = import_graph()
    offenders = [
        f"{name} → {target}"
        for name, targets in graph.items()
        if not name.startswith(("creative_ai.mcp_server", "creative_ai.cli", "creative_ai.agent"))
        for target in targets
        if target.startswith("creative_ai.mcp_server")
    ]
    assert offenders == []
