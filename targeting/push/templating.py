"""Offer message templates: Django template syntax in a closed engine with known placeholders.

The engine has no loaders and no tag libraries beyond Django's built-ins, so a template can
neither read files (``{% include %}`` finds nothing) nor load code. A placeholder that is not in
``PLACEHOLDERS`` is refused when the offer is saved, naming the field.
"""

from __future__ import annotations

import re
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

_UNKNOWN = "\x00unknown\x00"
ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, string_if_invalid=_UNKNOWN)

#: What a message may say about the moment, with an example for validation and previews.
PLACEHOLDERS: dict[str, str] = {
    "name": "张先生",
    "offer": "旅行白金信用卡",
    "link": "https://www.example.com/personal/travel-card/",
    "unsubscribe": "https://www.example.com/push/unsubscribe/x/",
    "merchant": "国际航空",
    "amount": "3200",
    "branch": "成都天府支行",
}

#: Template tags a message may use: conditions, loops and comments; nothing that loads or includes.
ALLOWED_TAGS = frozenset(
    {
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "comment",
        "endcomment",
        "firstof",
    }
)
TAG_NAME = re.compile(r"{%-?\s*(\w+)")

EMAIL_TAGS = {"p", "br", "b", "i", "strong", "em", "a", "h1", "h2", "h3", "ul", "ol", "li", "img"}


def validate_template(value: Any) -> None:
    """Refuse a template that does not compile or uses an unknown placeholder."""
    if not value:
        return
    source = str(value)
    if "\x00" in source:
        raise ValidationError(_("Control characters are not allowed."), code="invalid_template")
    for name in TAG_NAME.findall(source):
        if name not in ALLOWED_TAGS:
            raise ValidationError(
                _("Template error: the tag %(tag)s is not allowed in messages."),
                code="invalid_template",
                params={"tag": name},
            )
    try:
        template = ENGINE.from_string(source)
        output = template.render(Context(PLACEHOLDERS, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        raise ValidationError(
            _("Template error: %(error)s"), code="invalid_template", params={"error": error}
        ) from None
    except RecursionError:
        raise ValidationError(_("Template nested too deeply."), code="invalid_template") from None
    if "{{" in output or "{%" in output:
        raise ValidationError(
            _("Template error: a placeholder or tag is not closed."), code="invalid_template"
        )
    if _UNKNOWN in output:
        raise ValidationError(
            _("Unknown placeholder; use only: %(names)s"),
            code="invalid_template",
            params={"names": ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)},
        )


def render_text(source: str, context: dict[str, Any]) -> str:
    """A plain-text message (SMS, WeChat, message centre): no HTML escaping, unknown -> ''."""
    output = ENGINE.from_string(source).render(Context(context, autoescape=False))
    return output.replace(_UNKNOWN, "").strip()


def render_html(source: str, context: dict[str, Any]) -> str:
    """An e-mail body: placeholders escaped, then the result sanitised to a safe tag set."""
    output = ENGINE.from_string(source).render(Context(context, autoescape=True))
    return nh3.clean(
        output.replace(_UNKNOWN, ""),
        tags=EMAIL_TAGS,
        attributes={"a": {"href"}, "img": {"src", "alt", "width", "height"}},
        url_schemes={"https", "http", "mailto", "tel"},
    )
