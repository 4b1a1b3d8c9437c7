"""No import cycle among the project's modules, and no app importing one above it (LAYERS).

The graph is read from the source (every `import` at any depth, so a function-level import
does not hide a cycle); a package's __init__ re-exporting its submodules is an edge like any
other, so a submodule that imports its own package back closes a cycle. Imports under
`if TYPE_CHECKING:` are read by the type checker only, never run: they are not edges.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "audit",
    "config",
    "contractors_ro",
    "crm",
    "dashboard",
    "devtools",
    "documents",
    "projects_ro",
)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def runtime_nodes(tree: ast.AST):
    """Every node of the module but those inside an `if TYPE_CHECKING:` block."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for target in targets:
                module = resolve(target)
                if module and module != name:
                    graph[name].add(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
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


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_back():
    assert cycles(import_graph(project_modules())) == []


def test_type_only_imports_are_not_edges():
    tree = ast.parse("import a\nif TYPE_CHECKING:\n    import b\nelse:\n    import c\n")
    imported = [n.names[0].name for n in runtime_nodes(tree) if isinstance(n, ast.Import)]
    assert sorted(imported) == ["a", "c"]


# The apps from the bottom up: an app may import those below it, never one above. config's
# helpers (forms, pagination, env, …) are the base; its wiring (settings, URLs, the admin
# site, app configs, entry points) names every app and sits on top of them all. Apps below
# reach the ones above only through registries those fill in their AppConfig.ready (client
# tabs, picker kinds, global search kinds) or through model relations.
LAYERS = (
    "config",
    "audit",
    "accounts",
    "crm",
    "projects_ro",
    "contractors_ro",
    "documents",
    "dashboard",
    "devtools",
    "wiring",
)
WIRING = (
    "config.admin_site",
    "config.apps",
    "config.asgi",
    "config.settings",
    "config.urls",
    "config.wsgi",
)


def layer_of(module: str) -> str:
    return "wiring" if module in WIRING else module.split(".")[0]


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...]) -> list[str]:
    """Every edge from a module to one of a layer above its own, as "module -> target"."""
    rank = {layer: position for position, layer in enumerate(layers)}
    return sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in targets
        if rank[layer_of(target)] > rank[layer_of(name)]
    )


def test_the_layering_check_finds_an_import_from_below():
    graph = {"low.a": {"low.b"}, "low.b": {"high.c"}, "high.c": {"low.a"}}
    assert upward_imports(graph, ("low", "high")) == ["low.b -> high.c"]
    assert upward_imports({"high.c": {"low.a"}, "low.a": set()}, ("low", "high")) == []


def test_every_app_has_its_layer():
    assert {layer_of(name) for name in project_modules()} == set(LAYERS)


def test_no_app_imports_one_above_it():
    upward = upward_imports(import_graph(project_modules()), LAYERS)
    assert upward == [], "imports of a layer above (see LAYERS):\n" + "\n".join(upward)
