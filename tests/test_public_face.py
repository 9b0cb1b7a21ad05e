"""nn_core's public face: pages and ui use only the names nn_core exports, and the core has no cycles.

Parses the source with ast (nothing is imported but nn_core itself), so a failure names the file and
line. tests/ and benchmarks/ may import submodules: they test the internals.
"""

import ast
from pathlib import Path

import nn_core

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "nn_core"
APP_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])


def nn_core_imports(path):
    """(line, module path, imported name or None) for every import of nn_core in one file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, None) for a in node.names if a.name.split(".")[0] == "nn_core"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] == "nn_core":
            found += [(node.lineno, node.module, a.name) for a in node.names]
    return found


def core_modules():
    """{dotted name inside nn_core: path}, e.g. {"cli": .../cli.py, "network.cost": ...}."""
    names = {}
    for path in CORE.rglob("*.py"):
        parts = path.relative_to(CORE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def test_the_app_files_are_found():
    assert len(APP_FILES) > 10 and ROOT / "app.py" in APP_FILES


def test_pages_and_ui_import_only_public_names_of_nn_core():
    submodules = set(core_modules()) - {""}
    public = set(nn_core.__all__)
    bad = []
    for path in APP_FILES:
        for line, module, name in nn_core_imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if module != "nn_core":
                bad.append(f"{where} imports the submodule {module}")
            elif name == "*":
                bad.append(f"{where} imports * from nn_core")
            elif name is not None and name not in public:
                kind = "submodule" if name in submodules else "name"
                bad.append(f"{where} imports the {kind} {name!r}, not in nn_core.__all__")
    bad = list(dict.fromkeys(bad))  # one line per import, however many names it brings
    assert not bad, "pages and ui should use nn_core's public names only:\n" + "\n".join(bad)


def test_every_public_name_exists():
    missing = [name for name in nn_core.__all__ if not hasattr(nn_core, name)]
    assert not missing and len(set(nn_core.__all__)) == len(nn_core.__all__)


def import_graph():
    """{module: modules it imports with relative imports, anywhere in the file}, within nn_core."""
    modules = core_modules()
    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        if name == "":
            package = []
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = package[: len(package) - (node.level - 1)]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # "from . import x" and "from .pkg import x": x may itself be a module
            targets = [".".join(filter(None, [target, a.name])) for a in node.names]
            if node.module:
                targets.append(target)
            edges |= {t for t in targets if t in modules and t != name}
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_nn_core_has_no_import_cycle():
    graph = import_graph()
    assert len(graph[""]) > 10 and graph["cli"]  # the face and the command line import other modules
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in nn_core: " + " -> ".join(cycle)


def test_nn_core_has_no_module_level_getattr_shim():
    bad = [str(path.relative_to(ROOT)) for path in core_modules().values()
           if any(isinstance(node, ast.FunctionDef) and node.name == "__getattr__"
                  for node in ast.parse(path.read_text()).body)]
    assert not bad, f"compatibility __getattr__ in {bad}: import the name from where it lives"
