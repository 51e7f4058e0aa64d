"""Tell the page cache which Wagtail page a request served (only those are stored)."""

from __future__ import annotations

from typing import Any

from wagtail import hooks


@hooks.register("before_serve_page")
def note_served_page(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> None:
    request.pagecache_page = page
