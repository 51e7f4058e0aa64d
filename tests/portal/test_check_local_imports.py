"""The `make lint` check on function-local project imports (.ci/check_local_imports.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "check_local_imports.py"

spec = importlib.util.spec_from_file_location("check_local_imports", SCRIPT)
assert spec and spec.loader
checker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checker)


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """Write products/sample.py under a scratch root and run the checker there."""

    def _run(body: str, extra: dict[str, str] | None = None) -> tuple[int, str]:
        package = tmp_path / "products"
        package.mkdir(exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "sample.py").write_text(body)
        for name, text in (extra or {}).items():
            (package / name).parent.mkdir(parents=True, exist_ok=True)
            (package / name).write_text(text)
        monkeypatch.chdir(tmp_path)
        code = checker.main(["products"])
        return code, capsys.readouterr().out

    return _run


def test_fails_naming_file_and_line_on_uncommented_local_import(run):
    code, out = run(
        "import os\n\n\ndef f():\n    from targeting import snapshot\n    return snapshot, os\n"
    )
    assert code == 1
    assert "products/sample.py:5:" in out
    assert "targeting" in out


def test_passes_with_local_comment_on_the_line_above(run):
    code, out = run(
        "def f():\n    # local: a circle the layers contract forbids resolving\n"
        "    from targeting import snapshot\n    return snapshot\n"
    )
    assert (code, out) == (0, "")


def test_passes_with_local_comment_on_the_same_line(run):
    assert (
        run("def f():\n    from . import other  # local: ready() only\n    return other\n")[0] == 0
    )


def test_relative_imports_in_methods_are_project_imports(run):
    code, out = run("class A:\n    def m(self):\n        from .models import X\n        return X\n")
    assert code == 1
    assert "products/sample.py:3:" in out
    assert "products.models" in out


def test_third_party_and_module_level_imports_are_ignored(run):
    body = (
        "from targeting import snapshot\n\n\ndef f():\n    import json\n"
        "    from django.conf import settings\n    return json, settings, snapshot\n"
    )
    assert run(body) == (0, "")


def test_migrations_and_tests_are_not_checked(run):
    local = "def f():\n    from products import models\n"
    assert run("", {"migrations/0001_x.py": local, "tests/test_x.py": local}) == (0, "")


def test_an_unrelated_comment_does_not_count(run):
    code, out = run("def f():\n    # loaded here\n    from targeting import snapshot\n")
    assert code == 1 and "products/sample.py:3:" in out


def test_the_project_tree_is_clean(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = checker.main([])
    assert code == 0, capsys.readouterr().out


def test_local_comment_may_open_a_comment_block_above(run):
    body = (
        "def f():\n    # local: a circle: snapshot imports this module,\n"
        "    # which the layers contract forbids resolving otherwise\n"
        "    from targeting import snapshot\n    return snapshot\n"
    )
    assert run(body) == (0, "")


def test_a_code_line_between_comment_and_import_breaks_the_block(run):
    body = "def f():\n    # local: ready()\n    x = 1\n    from targeting import snapshot\n    return x, snapshot\n"
    code, out = run(body)
    assert code == 1 and "products/sample.py:4:" in out


def test_one_local_comment_covers_a_group_of_imports(run):
    body = (
        "def f():\n    # local: ready()\n    from products import models\n"
        "    from products.forms import (\n        Form,\n    )\n    from targeting import snapshot\n"
        "\n    from targeting import approval\n    return models, Form, snapshot, approval\n"
    )
    code, out = run(body)
    assert code == 1
    assert out.count("products/sample.py:") == 1 and "products/sample.py:9:" in out
