"""Fail on a function-local import of a project module that does not say why it is local.

House rule (issue 9 item 5): imports between project modules go at the top of the module. An
import inside a function (or method) of a project package is allowed only with a comment starting
``# local:`` on the same line or heading the comment lines and imports just above it (one
comment may cover a group of imports), saying why it must stay local
(AppConfig.ready(), an import circle the layering contracts forbid resolving otherwise, a module
loaded lazily for a reason). Tests, migrations and benchmarks are not checked.

Usage: python .ci/check_local_imports.py [paths...]   (default: the project packages)
Prints ``file:line: ...`` for each offending import and exits 1 when there is any.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PROJECT = ("portal", "products", "community", "targeting")
SKIP_PARTS = {"tests", "migrations", "bench", "__pycache__", ".venv", "node_modules"}
MARKER = "# local:"


def _module_of(path: Path, root: Path) -> str:
    try:
        parts = list(path.resolve().relative_to(root.resolve()).with_suffix("").parts)
    except ValueError:
        parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative import: always inside the project
        base = module.split(".")
        drop = node.level - (1 if is_package else 0)
        base = base[: len(base) - drop] if drop else base
        return [".".join([*base, node.module] if node.module else base) or "."]
    return [node.module or ""]


def _is_project(name: str) -> bool:
    return name == "." or name.split(".")[0] in PROJECT


def _local_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    def walk(node: ast.AST, in_function: bool) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                yield child
            inner = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            yield from walk(child, inner)

    yield from walk(tree, False)


def _comment_above(lines: list[str], index: int, import_lines: set[int]) -> bool:
    """Whether a ``# local:`` comment heads the block just above ``lines[index]``: the comment
    lines and import statements directly above it (no blank line or other code between), so one
    comment may cover a group of imports."""
    index -= 1
    while index >= 0 and (index in import_lines or lines[index].strip().startswith("#")):
        if lines[index].strip().startswith(MARKER):
            return True
        index -= 1
    return False


def check_file(path: Path, root: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        return [f"{path}:{exc.lineno}: cannot parse: {exc.msg}"]
    lines = source.splitlines()
    module = _module_of(path, root)
    is_package = path.name == "__init__.py"
    problems = []
    import_lines = {
        line
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for line in range(node.lineno - 1, node.end_lineno or node.lineno)
    }
    for node in _local_imports(tree):
        names = [n for n in _imported(node, module, is_package) if _is_project(n)]
        if not names:
            continue
        first = node.lineno - 1
        last = (node.end_lineno or node.lineno) - 1
        here = lines[first : last + 1]
        if any(MARKER in line for line in here) or _comment_above(lines, first, import_lines):
            continue
        problems.append(
            f"{path}:{node.lineno}: function-local import of {', '.join(names)} without a "
            f"'{MARKER}' comment saying why (hoist it to the top of the module)"
        )
    return problems


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file() and path.suffix == ".py":
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*.py")):
                if not SKIP_PARTS.intersection(file.relative_to(path).parts):
                    yield file


def main(argv: list[str]) -> int:
    root = Path.cwd()
    paths = [Path(arg) for arg in argv] or [root / name for name in PROJECT]
    problems = [p for file in iter_files(paths) for p in check_file(file, root)]
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"{len(problems)} function-local project import(s) without '{MARKER}'", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
