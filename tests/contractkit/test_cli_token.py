"""``contractkit token``: real users, the server's own secret, and refusal in production."""

from __future__ import annotations

import subprocess
import sys

import jwt

from contractkit.impl.config import load_settings
from contractkit.impl.peerly.settings import load_peerly_settings

SECRET = "a-development-secret-long-enough-for-hs256-0123"


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contractkit.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_token_names_a_real_user_with_the_requested_role(tmp_path, monkeypatch) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "PEERLY_JWT_SECRET": SECRET,
    }
    result = run_cli("token", "peerly", "--email", "Lead@Acme.test", "--role", "admin", env=env)
    assert result.returncode == 0, result.stderr
    assert "created organisation for acme.test" in result.stderr.lower()
    claims = jwt.decode(result.stdout.strip(), SECRET, algorithms=["HS256"], audience="peerly.com")
    assert claims["https://peerly.com"]["roleId"] == 2
    assert claims["https://peerly.com"]["orgName"] == "acme.test"

    again = run_cli("token", "peerly", "--email", "lead@acme.test", env=env)
    assert again.returncode == 0
    second = jwt.decode(again.stdout.strip(), SECRET, algorithms=["HS256"], audience="peerly.com")
    assert second["sub"] == claims["sub"] and second["https://peerly.com"]["roleId"] == 1


def test_token_uses_the_generated_development_secret_by_default(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "CONTRACTKIT_DATA_DIR": str(tmp_path)}
    result = run_cli("token", "peerly", "--email", "dev@example.com", env=env)
    assert result.returncode == 0, result.stderr
    secret = load_peerly_settings(load_settings(env)).jwt_secret
    assert jwt.decode(result.stdout.strip(), secret, algorithms=["HS256"], audience="peerly.com")
    assert (tmp_path / "secrets" / "peerly-jwt").stat().st_mode & 0o077 == 0


def test_token_is_refused_in_production(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTRACTKIT_DATA_DIR": str(tmp_path),
        "CONTRACTKIT_ENV": "production",
        "PEERLY_JWT_SECRET": SECRET,
    }
    result = run_cli("token", "peerly", "--email", "dev@example.com", env=env)
    assert result.returncode == 2
    assert "disabled" in result.stderr and result.stdout == ""
    bad = run_cli(
        "token", "peerly", "--email", "not-an-email", env={**env, "CONTRACTKIT_ENV": "development"}
    )
    assert bad.returncode == 2 and "e-mail" in bad.stderr
