"""The layers contract in pyproject.toml holds, and breaks on an arrow that goes up: each case adds
one module with one upward import to a copy of the package and runs lint-imports as `make lint`
does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of src/miconsulado with `extra` modules (path under the package: source)."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "miconsulado", src / "miconsulado", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for path, source in extra.items():
        (src / "miconsulado" / path).write_text(source)
    # The copy comes first on the path, before the installed (editable) package.
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(  # noqa: S603 (our own tool, our own arguments)
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_the_contract(tmp_path):
    result = lint_imports(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        (
            "core/upward.py",
            "import miconsulado.booking\n",
            "miconsulado.core is not allowed to import miconsulado.booking",
        ),
        (
            "catalog/upward.py",
            "from miconsulado.scheduling.models import Slot\n",
            "miconsulado.catalog is not allowed to import miconsulado.scheduling",
        ),
        (
            "scheduling/sideways.py",
            "from miconsulado.accounts.models import User\n",
            "miconsulado.scheduling is not allowed to import miconsulado.accounts",
        ),
        (
            "booking/upward.py",
            "from miconsulado.wiring.api.errors import error_body\n",
            "miconsulado.booking is not allowed to import miconsulado.wiring",
        ),
        # Indirectly: core reaches booking through a module that no layer holds.
        (
            "core/indirect.py",
            "import miconsulado.testing\n",
            "miconsulado.core is not allowed to import miconsulado.booking",
        ),
    ],
)
def test_an_arrow_that_breaks_a_layer_fails(tmp_path, module, source, broken):
    result = lint_imports(tmp_path, {module: source})
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in " ".join(result.stdout.split())
