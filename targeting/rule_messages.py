"""Rule-language errors in the language of the request (the engine writes them in English).

``RuleError`` carries an English ``template`` with ``%(name)s`` placeholders, marked for
extraction by ``gettext_noop`` in ``targeting/engine`` (rules.py, attributes.py), and the
``params`` put in it. Here the template is translated with the active language and the params
inserted once, with ``%`` and a mapping: a value holding ``%``, NUL or anything else stays text.
Paths (``rule.all[0].value``) and the values inside messages (attribute names, codes) are never
translated. With English active the text is exactly ``str(exc)``.

Every surface that shows a rule error goes through here: the audience form (``Segment.clean``),
the rule editor's estimate, trigger and offer forms (``targeting.push.models``), static member
refresh, and the API (whose messages are in the site's language, docs/api.md).
"""

from __future__ import annotations

from django.utils.translation import gettext

from targeting.engine.rules import RuleError


def rule_message(error: RuleError) -> str:
    """The error's message, without its path, in the active language."""
    template = getattr(error, "template", None)
    params = getattr(error, "params", None) or {}
    if not isinstance(template, str):
        return str(getattr(error, "message", error))
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):  # a translation that does not fit its params
        return template % params


def rule_error_text(error: RuleError) -> str:
    """``path: message``, the message in the active language (the documented error shape)."""
    return f"{error.path}: {rule_message(error)}"
