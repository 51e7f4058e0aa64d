"""Members write Markdown; the portal stores and shows only sanitised HTML.

Markdown is rendered with the Markdown package, then every tag and attribute outside a short
allow-list is removed by nh3 (a Rust HTML sanitiser, html5ever-based, so malformed markup is
parsed the way browsers parse it). Sanitising the *output* rather than escaping the input means
raw HTML in a post is either reduced to safe markup or dropped, never executed.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from django.conf import settings

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h3", "h4", "h5", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "img": {"src", "alt"}}
# Links may leave the portal only over http(s) or to an email address; javascript:, data:,
# vbscript: and the rest are dropped by nh3 whatever their spelling (entities, whitespace, case).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# Contents of these tags are dropped along with the tag, so no script text leaks into the page.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "iframe", "object", "svg", "math", "template", "noscript"})  # fmt: skip

MAX_UNQUOTE_ROUNDS = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)
_SPACE_AND_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _decoded_path(path: str) -> str | None:
    """The path a server would finally see: percent-escapes undone until nothing changes
    (``%252e`` is ``%2e`` is ``.``), backslashes read as slashes, then normalised.
    None when it never settles, climbs with ``..``, names another host or holds control
    characters.
    """
    for _round in range(MAX_UNQUOTE_ROUNDS):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    else:
        return None
    path = path.replace("\\", "/")
    # Relative paths resolve against the page, and "//host" (or "/\\host") names another site.
    if _CONTROL.search(path) or not path.startswith("/") or path.startswith("//"):
        return None
    # A dot segment anywhere is refused outright rather than resolved: no honest upload needs one.
    if ".." in path.split("/"):
        return None
    return posixpath.normpath(path)


def _is_own_media(url: str) -> bool:
    """Images may only come from the portal's own uploads: no tracking pixels, no mixed content.

    The check runs on the normalised path, so ``/media/%2e%2e/admin/`` and its double-encoded
    or backslashed spellings cannot climb out of the media folder.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return False
    path = _decoded_path(parts.path)
    return path is not None and path.startswith(settings.MEDIA_URL)


def _has_foreign_scheme(url: str) -> bool:
    """A scheme hidden by spaces or control characters ("jav ascript:") counts as a scheme.

    Browsers drop tabs and newlines inside URLs, and old ones dropped more; nh3 checks the
    scheme as written. Removing every space and control character first closes that gap.
    """
    match = _SCHEME.match(_SPACE_AND_CONTROL.sub("", url).lower())
    return match is not None and match.group(1) not in URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_own_media(value) else None
    if attribute == "href" and _has_foreign_scheme(value):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Reduce any HTML fragment to the community's allow-list."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source of a post -> sanitised HTML ready to store in ``Post.body_html``."""
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    return sanitise_html(html)


def count_links(text: str) -> int:
    """How many web links a post carries (a spam signal)."""
    return len(_LINK_RE.findall(text or ""))


def quote_markdown(author_name: str, text: str) -> str:
    """The Markdown a reply starts with when a member quotes a post."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in (text or "").splitlines())
    return f"> **{author_name}:**\n{quoted}\n\n"
