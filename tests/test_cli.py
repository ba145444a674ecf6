"""The command line: errors are one clear line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fairdebt


def _fairdebt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fairdebt", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_python_dash_m_fairdebt_shows_the_command_groups(tmp_path: Path) -> None:
    result = _fairdebt("--help", cwd=tmp_path)
    assert result.returncode == 0
    for group in ("db", "audit", "cycle", "compliance", "risk"):
        assert group in result.stdout


def test_db_upgrade_then_audit_verify_on_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    assert _fairdebt("db", "upgrade", "--database", url, cwd=tmp_path).returncode == 0
    verified = _fairdebt("audit", "verify", "--database", url, cwd=tmp_path)
    assert verified.returncode == 0
    assert "0 entries" in verified.stdout


def test_the_package_has_a_version() -> None:
    assert fairdebt.__version__.count(".") == 2
