"""The code a rule's results depend on: its script and the modules of `gwr` it imports.

Snakemake reruns a job when its script changes, not when a module the script imports changes.
Every rule therefore carries a param `code`: a hash of the source of each `gwr` module its script
imports, directly or through another `gwr` module (found by reading the imports, not by running
them). Editing a shared module then reruns exactly the rules that use it.
"""

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = "gwr"


def _is_main_block(node) -> bool:
    """`if __name__ == "__main__":`: what runs only when a script runs alone (gwr.mock)."""
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


# The fields of a node that hold statements: an import is a statement, so only these are walked
# (not the expressions, most of a module's nodes).
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _nodes(tree):
    """Every statement of `tree` (and its handlers and cases) except those of its
    `if __name__ == "__main__":` blocks."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for field in _STATEMENT_FIELDS:
            children = getattr(node, field, None)
            if isinstance(children, list):
                todo.extend(
                    child
                    for child in children
                    if isinstance(child, ast.AST) and not _is_main_block(child)
                )


def _imported_modules(path: Path) -> set[str]:
    """Names of the `gwr` modules a Python file imports (gwr.io, gwr.split …), leaving out the
    imports of its `__main__` block (the mock that runs a script alone is not part of a step)."""
    return set(_imports_of(str(path)))


@functools.cache
def _imports_of(path: str) -> frozenset[str]:
    """`_imported_modules`, each file read once per process: every rule's `code` param walks the
    shared modules again, and parsing them all for each of 33 rules was half of an up-to-date
    rerun's second."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    found: set[str] = set()
    for node in _nodes(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == PACKAGE:
                names = [f"{PACKAGE}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.startswith(PACKAGE + "."))
    return frozenset(found)


def module_path(scripts_dir: Path, module: str) -> Path:
    return scripts_dir.joinpath(*module.split(".")).with_suffix(".py")


@functools.cache
def modules_of(script: Path) -> tuple[str, ...]:
    """Every `gwr` module `script` imports, directly or not, sorted."""
    scripts_dir = script.parent
    seen: set[str] = set()
    todo = sorted(_imported_modules(script))
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = module_path(scripts_dir, module)
        if not path.is_file():
            raise FileNotFoundError(f"{script} imports {module}, but {path} does not exist")
        todo.extend(sorted(_imported_modules(path) - seen))
    return tuple(sorted(seen))


@functools.cache
def code_version(script: str | Path) -> str:
    """A short hash of the `gwr` modules `script` uses (not of the script: Snakemake tracks it)."""
    script = Path(script)
    digest = hashlib.sha256()
    for module in modules_of(script):
        digest.update(module.encode() + b"\0")
        digest.update(module_path(script.parent, module).read_bytes() + b"\0")
    return digest.hexdigest()[:16]
