"""Production settings: pass Django's deployment checks, and refuse to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    # Only what production would get: no test-only switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    unwanted = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in unwanted}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", "LOG_LEVEL": "WARNING"})
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_check_deploy_without_warnings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="bank.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr.upper().replace("LOG_LEVEL", "")
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "present"),
    [
        ("SECRET_KEY", {"ALLOWED_HOSTS": "bank.example.com"}),
        ("ALLOWED_HOSTS", {"SECRET_KEY": "k" * 60}),
    ],
)
def test_production_refuses_to_start_without(missing: str, present: dict[str, str]) -> None:
    result = run_manage("check", **present)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_signs_staff_in_with_a_code_and_verifies_customer_e_mail() -> None:
    # Given production settings from a minimal environment
    code = (
        "from django.conf import settings as s;"
        "print(s.STAFF_OTP_REQUIRED, s.ACCOUNT_EMAIL_VERIFICATION, s.WAGTAIL_GRAVATAR_PROVIDER_URL,"
        " s.SESSION_IDLE_TIMEOUT_STAFF, s.SESSION_IDLE_TIMEOUT_CUSTOMER, s.SESSION_COOKIE_AGE)"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="bank.example.com",
    )
    # Then two-step sign-in is required, e-mail must be verified, no gravatar, bank timeouts
    assert result.stdout.split() == ["True", "mandatory", "None", "900", "1800", "43200"]
    # And the idle limits come from the environment
    relaxed = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="bank.example.com",
        STAFF_OTP_REQUIRED="false",
        SESSION_IDLE_TIMEOUT_STAFF="600",
    )
    assert relaxed.stdout.split()[0] == "False" and relaxed.stdout.split()[3] == "600"
