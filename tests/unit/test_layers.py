"""The dependency rules of DESIGN.md hold: the import-linter contracts in
pyproject.toml pass, and a plain AST scan double-checks the two strictest rules
(domain stays framework-free, playground stands alone) without import-linter's
configuration in the way. Each check is also run once on a deliberately bad tree,
so a check that can never fail would show up here.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The venv's own script, next to the interpreter running the tests.
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

PROJECT_PACKAGES = {"bot", "handlers", "dialogs", "domain", "infrastructure", "playground"}
DOMAIN_FORBIDDEN = {
    "aiogram", "aiogram_dialog", "sqlalchemy", "redis", "dramatiq", "stripe", "boto3",
    "botocore", "fpdf", "aiohttp", "pydantic", "yaml",
} | (PROJECT_PACKAGES - {"domain"})
PLAYGROUND_FORBIDDEN = PROJECT_PACKAGES - {"playground"}
IMPORT_FUNCTIONS = {"import_module", "__import__"}


def _imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in a module.

    Relative imports are left out: Python cannot climb above the top-level package
    with them, so they never reach another top-level package.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            # importlib.import_module("x") / __import__("x") with a literal name.
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in IMPORT_FUNCTIONS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return sorted(found)


def forbidden_imports(directory: Path, forbidden: set[str]) -> list[str]:
    """'path:line imports name' for each import of a forbidden top-level package."""
    problems = []
    for path in sorted(directory.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_names(tree):
            if module.split(".")[0] in forbidden:
                problems.append(f"{path.relative_to(directory.parent)}:{line} imports {module}")
    return problems


def run_lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache: no .import_linter_cache left in the working tree.
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["name"] for c in config["tool"]["importlinter"]["contracts"]]


# --- import-linter ---------------------------------------------------------------


def test_import_linter_contracts_are_kept() -> None:
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} missing: install the test extras"
    result = run_lint_imports(ROOT, ROOT / "pyproject.toml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    names = contract_names()
    assert names, "pyproject.toml declares no import-linter contracts"
    for name in names:
        assert f"{name} KEPT" in output, output
    assert f"Contracts: {len(names)} kept, 0 broken." in output, output


def test_import_linter_contracts_catch_a_violation(tmp_path: Path) -> None:
    """The project's own contracts, run on a copy of the tree where domain imports
    SQLAlchemy and the playground imports domain, must report both as broken."""
    for package in PROJECT_PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "domain" / "leaky.py").write_text("import sqlalchemy\n")
    (tmp_path / "playground" / "leaky.py").write_text("from domain import leaky\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    # lint-imports puts its working directory first on sys.path, so the temporary
    # packages shadow the real ones.
    result = run_lint_imports(tmp_path, tmp_path / "pyproject.toml")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "domain imports no framework and no adapter BROKEN" in output, output
    assert "playground stands alone BROKEN" in output, output
    assert "domain.leaky -> sqlalchemy" in output, output


# --- AST scan ----------------------------------------------------------------------


def test_domain_imports_no_framework() -> None:
    assert list((ROOT / "domain").rglob("*.py")), "no domain modules found"
    assert forbidden_imports(ROOT / "domain", DOMAIN_FORBIDDEN) == []


def test_playground_imports_nothing_from_the_app() -> None:
    assert (ROOT / "playground" / "__init__.py").exists()
    assert forbidden_imports(ROOT / "playground", PLAYGROUND_FORBIDDEN) == []


def test_scan_reports_every_kind_of_forbidden_import(tmp_path: Path) -> None:
    domain = tmp_path / "domain"
    (domain / "sub").mkdir(parents=True)
    (domain / "__init__.py").write_text("")
    (domain / "ok.py").write_text(
        "from __future__ import annotations\nimport dataclasses\nfrom . import ok\n"
        "from .sub import thing\nimport redisish\nfrom typing import TYPE_CHECKING\n"
    )
    (domain / "sub" / "bad.py").write_text(
        "import sqlalchemy.orm\n"
        "from pydantic import BaseModel\n"
        "import yaml as y\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from aiogram.types import Message\n"
        "def late():\n"
        "    import importlib\n"
        "    return importlib.import_module('boto3')\n"
        "from infrastructure.db import models\n"
    )
    assert forbidden_imports(domain, DOMAIN_FORBIDDEN) == [
        "domain/sub/bad.py:1 imports sqlalchemy.orm",
        "domain/sub/bad.py:2 imports pydantic",
        "domain/sub/bad.py:3 imports yaml",
        "domain/sub/bad.py:6 imports aiogram.types",
        "domain/sub/bad.py:9 imports boto3",
        "domain/sub/bad.py:10 imports infrastructure.db",
    ]


@pytest.mark.parametrize("package", sorted(PLAYGROUND_FORBIDDEN))
def test_scan_catches_playground_importing_the_app(tmp_path: Path, package: str) -> None:
    playground = tmp_path / "playground"
    playground.mkdir()
    (playground / "server.py").write_text(f"import aiohttp\nfrom {package} import something\n")
    assert forbidden_imports(playground, PLAYGROUND_FORBIDDEN) == [
        f"playground/server.py:2 imports {package}"
    ]
