"""Helpers that decide whether rendered HTML contains anything a browser would execute."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")
EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "style", "base", "meta", "link", "frame"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "background",
}
# Browsers ignore ASCII whitespace and control characters inside a URL scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


def load_payloads() -> list[str]:
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def executable_markup(html: str) -> list[str]:
    """Everything executable inside the page's <main> (user content lives there)."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    problems: list[str] = []
    for tag in main.find_all(True):
        if tag.name in EXECUTABLE_TAGS:
            problems.append(f"<{tag.name}> tag")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"{name} attribute on <{tag.name}>")
            if name.lower() in URL_ATTRIBUTES:
                text = value if isinstance(value, str) else " ".join(value)
                scheme = _IGNORED_IN_SCHEME.sub("", text).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    problems.append(f"{name}={text!r} on <{tag.name}>")
            if name.lower() == "style":
                problems.append(f"style attribute on <{tag.name}>")
    return problems
