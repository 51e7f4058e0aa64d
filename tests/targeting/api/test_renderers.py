"""The API answers JSON only in production; the browsable API is for local development."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def renderers_of(settings_module: str) -> list[str]:
    """REST_FRAMEWORK's renderers as a fresh process loading ``settings_module`` sees them."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "bank.example",
    }
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_renders_json_only():
    assert renderers_of("portal.settings.production") == ["rest_framework.renderers.JSONRenderer"]


def test_development_adds_the_browsable_api():
    assert "rest_framework.renderers.BrowsableAPIRenderer" in renderers_of("portal.settings.dev")


@pytest.mark.django_db
def test_a_browser_asking_for_html_gets_json(marketer_client):
    response = marketer_client.get("/api/v1/segments/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
