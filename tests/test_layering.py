"""The house's layering, read from the code's own imports (every import, also those inside
functions): entry points (bot, panel, workers, sandbox) -> domain (services) -> the ground
(models, migrations, core, config, i18n). No module imports from a layer above its own, no
entry point from another entry point, and no two modules import each other in a loop."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = {"bot", "panel", "workers", "sandbox"}
DOMAIN = {"services"}
GROUND = {"models", "migrations", "core", "config", "i18n"}
LAYER = {**{n: 3 for n in ENTRY}, **{n: 2 for n in DOMAIN}, **{n: 1 for n in GROUND}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    found = {}
    for top in LAYER:
        if (ROOT / f"{top}.py").exists():
            found[top] = ROOT / f"{top}.py"
        for path in (ROOT / top).rglob("*.py") if (ROOT / top).is_dir() else ():
            found[module_name(path)] = path
    return found


def imports_of(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The project's modules that `path` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in names:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
    return targets


def graph() -> dict[str, set[str]]:
    known = our_modules()
    return {name: imports_of(path, name, known) for name, path in known.items()}


def top(name: str) -> str:
    return name.split(".", 1)[0]


def test_no_import_runs_up_or_across_entry_points():
    wrong = []
    for source, targets in graph().items():
        for target in targets:
            s, t = top(source), top(target)
            if LAYER[t] > LAYER[s]:
                wrong.append(f"{source} -> {target} (runs up)")
            elif s in ENTRY and t in ENTRY and s != t:
                wrong.append(f"{source} -> {target} (one entry point into another)")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    edges = graph()
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_every_folder_says_what_belongs_there():
    missing = [str(init.relative_to(ROOT)) for t in LAYER if (ROOT / t).is_dir()
               for init in [*(ROOT / t).rglob("__init__.py")] if ast.get_docstring(ast.parse(init.read_text())) is None]
    missing += [f"{t}/ (no __init__.py)" for t in LAYER if (ROOT / t).is_dir() and not (ROOT / t / "__init__.py").exists()]
    assert not missing, missing
