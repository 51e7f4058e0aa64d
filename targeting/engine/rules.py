"""Validation, compilation and explanation of segment rules.

A rule is JSON (see docs/rule-language.md)::

    node := {"all": [node, ...]} | {"any": [node, ...]} | {"not": node}
          | {"segment": "<slug>"}
          | {"attr": "<attribute>", "op": "<operator>", "value": <JSON value>}
          | {"attr": "<keyed attribute>", "key": "<name>", "op": "<operator>", "value": <JSON>}

A keyed attribute (``source.query``, ``behaviour.page_visits``) is a family of values named by the
condition's ``key``: ``{"attr": "source.query", "key": "promo", "op": "eq", "value": "spring"}``
tests the landing URL's ``promo`` parameter. Its key is normalised once, at compilation
(``attributes.normalise_key``); a key the visitor does not have is a missing value.

``validate`` rejects a bad rule with a ``RuleError`` whose ``path`` names the node, e.g.
``rule.all[2].value: expected a number``. ``compile_rule`` and ``compile_segments`` turn rules into
plain closures once, so evaluating a visitor never walks JSON.

Semantics, the same in the compiled predicates and in ``explain``:

* A missing value (the context answers ``None``: anonymous visitor, unknown geo, failed provider)
  makes every condition false except ``exists: false``, which is true. ``not`` of a false
  condition is true, so ``{"not": {"attr": "geo.country", "op": "eq", "value": "CN"}}`` is true
  for a visitor whose country is unknown.
* ``eq``/``ne``/``in``/``not_in`` compare exactly (codes and slugs are case-sensitive);
  ``contains``/``startswith``/``matches`` on strings ignore case. ``contains`` on a list attribute
  is exact membership.
* ``between`` is inclusive; on a cyclic attribute (``time.hour``, ``time.weekday``) a range whose
  low end is above its high end wraps: ``[22, 6]`` is 22:00-06:59.
* ``matches`` is an RE2 search (anywhere in the value; anchor with ``^``/``$``), case-insensitive,
  with ``.`` matching everything. RE2 (google-re2) runs in time linear in the value whatever the
  pattern, so a hostile pattern cannot stall a page; Python's ``re`` is never used to evaluate
  one. The syntax is RE2's: no backreferences or lookaround, and ``\\d``/``\\w``/``\\s``/``\\b``
  are ASCII (use ``\\p{Han}``, ``\\p{L}``, ``\\p{N}`` for other scripts). Bounds, checked at
  validation (a friendly first error, kept from when evaluation backtracked) and at evaluation:

  - at most 200 characters; RE2 must compile it (its own limits on size and repetition apply);
  - when Python's parser reads the pattern too: no backreferences, no repeated group that
    contains a variable quantifier or an alternation (``(a+)+``, ``(a|ab)*``), and at most two
    variable quantifiers (``*``, ``+``, ``{m,n}``; not ``?``) once a redundant leading or trailing
    ``.*`` is dropped;
  - the value is cut to its first 1,000 characters, or 100 with two variable quantifiers.
"""

from __future__ import annotations

import difflib
import functools
import json
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

import re2  # google-re2: linear-time matching, no backtracking

from .attributes import (
    ALL_OPERATORS,
    ATTRIBUTES,
    KEY_DEFAULTS,
    REGIONS,
    Attribute,
    KeyProblem,
    Message,
    canonical,
    gettext_noop,
    is_iso_date,
    normalise_key,
    vocabulary_message,
)

try:  # Python's own regular expression parser, used only to analyse staff-written patterns.
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre_parse

logger = logging.getLogger("targeting.engine")

MAX_DEPTH = 20
MAX_NODES = 500
MAX_REGEX_LENGTH = 200
MAX_VARIABLE_QUANTIFIERS = 2
#: How much of a value ``matches`` looks at, by the pattern's number of variable quantifiers.
MATCH_INPUT_LIMITS = (1000, 1000, 100)

NODE_KEYS = ("all", "any", "not", "segment")
CONDITION_KEYS = ("attr", "key", "op", "value")


class RuleContext(Protocol):
    """What a compiled rule needs from a visitor context (``VisitorContext`` provides it)."""

    segment_memo: dict[str, bool]

    def get(self, name: str) -> Any: ...


Predicate = Callable[[RuleContext], bool]


class RuleError(ValueError):
    """A rule that cannot be used; ``path`` names the node, e.g. ``rule.all[2].value``.

    ``template`` is the English message with ``%(name)s`` placeholders (every one is marked with
    ``gettext_noop`` here, so the Django side can translate it: ``targeting.rule_messages``) and
    ``params`` the values put in it; ``message`` is the English result, and ``str(exc)`` is
    ``path: message`` as ever. Params are inserted once, by ``%`` with a mapping, so a ``%`` or
    NUL inside a value is text, never a placeholder.
    """

    def __init__(self, path: str, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params: dict[str, Any] = dict(params or {})
        self.message = template % self.params
        super().__init__(f"{path}: {self.message}")
        self.path = path

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __reduce__(self) -> tuple[type[RuleError], tuple[str, str, dict[str, Any]]]:
        # picklable despite the three arguments
        return (RuleError, (self.path, self.template, self.params))


def _error(path: str, message: Message) -> RuleError:
    """A ``RuleError`` from a ``(template, params)`` pair."""
    return RuleError(path, message[0], message[1])


def _ops(names: Iterable[str]) -> str:
    return ", ".join(names)


# --------------------------------------------------------------------------------------------
# Validation


def validate(
    rule: Any,
    known_segments: Mapping[str, object] | None = None,
    self_slug: str | None = None,
) -> list[str]:
    """Check a rule; return the slugs of the segments it references, in order of appearance.

    With ``known_segments`` a reference to a slug not in it is an error; with ``self_slug`` a
    reference to the segment itself is. Raises ``RuleError`` on the first problem.
    """
    validator = _Validator(known_segments, self_slug)
    validator.node(rule, "rule", 1)
    return list(validator.refs)


class _Validator:
    def __init__(self, known: Mapping[str, object] | None, self_slug: str | None) -> None:
        self.known = known
        self.self_slug = self_slug
        self.refs: dict[str, None] = {}
        self.count = 0

    def node(self, node: Any, path: str, depth: int) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise RuleError("rule", gettext_noop("more than %(limit)s nodes"), {"limit": MAX_NODES})
        if depth > MAX_DEPTH:
            raise RuleError(
                path, gettext_noop("nested deeper than %(limit)s levels"), {"limit": MAX_DEPTH}
            )
        if not isinstance(node, Mapping):
            raise RuleError(path, gettext_noop("expected an object"))
        if "attr" in node:
            self.condition(node, path)
            return
        keys = list(node)
        if not keys:
            raise RuleError(
                path, gettext_noop("empty node: expected all, any, not, segment or attr")
            )
        for key in keys:
            if key in ("op", "value"):
                raise RuleError(path, gettext_noop('a condition needs "attr"'))
            if key not in NODE_KEYS:
                raise RuleError(
                    path,
                    gettext_noop(
                        "unknown node key %(key)s; expected all, any, not, segment or attr"
                    ),
                    {"key": repr(key)},
                )
        if len(keys) > 1:
            raise RuleError(
                path,
                gettext_noop("a node has exactly one key, found %(keys)s"),
                {"keys": _ops(keys)},
            )
        key = keys[0]
        if key in ("all", "any"):
            children = node[key]
            if not isinstance(children, list):
                raise RuleError(f"{path}.{key}", gettext_noop("expected a list of nodes"))
            if not children:
                raise RuleError(f"{path}.{key}", gettext_noop("expected at least one node"))
            for i, child in enumerate(children):
                self.node(child, f"{path}.{key}[{i}]", depth + 1)
        elif key == "not":
            self.node(node["not"], f"{path}.not", depth + 1)
        else:
            self.segment(node["segment"], f"{path}.segment")

    def segment(self, slug: Any, path: str) -> None:
        if not isinstance(slug, str) or not slug:
            raise RuleError(path, gettext_noop("expected a segment slug"))
        if self.self_slug is not None and slug == self.self_slug:
            raise RuleError(path, gettext_noop("a segment cannot refer to itself"))
        if self.known is not None and slug not in self.known:
            raise RuleError(path, gettext_noop("unknown segment %(slug)s"), {"slug": repr(slug)})
        self.refs[slug] = None

    def condition(self, node: Mapping[str, Any], path: str) -> None:
        for key in node:
            if key not in CONDITION_KEYS:
                raise RuleError(
                    path,
                    gettext_noop("unknown key %(key)s in a condition; expected attr, op, value"),
                    {"key": repr(key)},
                )
        name = node["attr"]
        if not isinstance(name, str) or name not in ATTRIBUTES:
            raise _error(f"{path}.attr", _unknown_attribute(name))
        attr = ATTRIBUTES[name]
        if attr.keyed:
            if "key" not in node:
                raise RuleError(
                    f"{path}.key",
                    gettext_noop("%(attr)s needs a key (%(key_label)s)"),
                    {"attr": name, "key_label": attr.key_label.lower()},
                )
            try:
                normalise_key(name, node["key"])
            except KeyProblem as exc:
                raise _error(f"{path}.key", exc.problem) from None
        elif "key" in node:
            raise RuleError(f"{path}.key", gettext_noop("%(attr)s takes no key"), {"attr": name})
        if "op" not in node:
            raise RuleError(f"{path}.op", gettext_noop("missing operator"))
        op = node["op"]
        if not isinstance(op, str) or op not in ALL_OPERATORS:
            raise RuleError(f"{path}.op", gettext_noop("unknown operator %(op)s"), {"op": repr(op)})
        if op not in attr.operators:
            raise RuleError(
                f"{path}.op",
                gettext_noop(
                    "operator %(op)s does not fit %(attr)s (%(type)s); use one of: %(ops)s"
                ),
                {"op": repr(op), "attr": name, "type": attr.type, "ops": _ops(attr.operators)},
            )
        if "value" not in node:
            raise RuleError(f"{path}.value", gettext_noop("missing value"))
        check_value(attr, op, node["value"], f"{path}.value")


def _unknown_attribute(name: Any) -> Message:
    if not isinstance(name, str):
        return gettext_noop("expected an attribute name"), {}
    close = difflib.get_close_matches(name, list(ATTRIBUTES), n=1)
    if close:
        return gettext_noop("unknown attribute %(attr)s (did you mean %(close)s?)"), {
            "attr": repr(name),
            "close": close[0],
        }
    return gettext_noop("unknown attribute %(attr)s"), {"attr": repr(name)}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_scalar(attr: Attribute, value: Any, path: str) -> None:
    """A single comparison value for eq/ne/in/not_in/gt/.../between items."""
    if attr.type == "str" or attr.type == "list":
        if not isinstance(value, str):
            raise RuleError(path, gettext_noop("expected a string"))
    elif attr.type == "int":
        if not _is_number(value):
            raise RuleError(path, gettext_noop("expected a number"))
    elif attr.type == "bool":
        if not isinstance(value, bool):
            raise RuleError(path, gettext_noop("expected true or false"))
    elif attr.type == "date" and not (isinstance(value, str) and is_iso_date(value)):
        raise RuleError(path, gettext_noop("expected a date YYYY-MM-DD"))
    if attr.choices is not None and value not in attr.choices:
        raise _error(path, _not_a_choice(attr, value))
    if isinstance(value, str):
        problem = vocabulary_message(attr.name, value)
        if problem is not None:
            raise _error(path, problem)


def _not_a_choice(attr: Attribute, value: Any) -> Message:
    choices = attr.choices or ()
    same = [c for c in choices if isinstance(value, str) and str(c).casefold() == value.casefold()]
    params = {"value": repr(value), "choices": _ops(str(c) for c in choices)}
    if same:
        return gettext_noop("%(value)s is not one of: %(choices)s (did you mean %(close)s?)"), {
            **params,
            "close": same[0],
        }
    return gettext_noop("%(value)s is not one of: %(choices)s"), params


def check_value(attr: Attribute, op: str, value: Any, path: str) -> None:
    """Check the ``value`` of a condition against its attribute and operator."""
    if op == "exists":
        if not isinstance(value, bool):
            raise RuleError(path, gettext_noop("exists needs true or false"))
        return
    if op in ("in", "not_in"):
        if not isinstance(value, list):
            raise RuleError(path, gettext_noop("%(op)s needs a list"), {"op": op})
        if not value:
            raise RuleError(path, gettext_noop("%(op)s needs at least one value"), {"op": op})
        for i, item in enumerate(value):
            _check_scalar(attr, item, f"{path}[{i}]")
        return
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise RuleError(path, gettext_noop("between needs [low, high]"))
        for i, item in enumerate(value):
            _check_scalar(attr, item, f"{path}[{i}]")
        if not attr.cyclic and value[0] > value[1]:
            raise RuleError(path, gettext_noop("between needs [low, high] with low <= high"))
        return
    if op in ("contains", "startswith", "matches"):
        if not isinstance(value, str):
            raise RuleError(path, gettext_noop("expected a string"))
        if not value:
            raise RuleError(path, gettext_noop("expected a non-empty string"))
        codes = attr.name in REGIONS or attr.name == "geo.country"
        if codes and op != "matches" and not value.isascii():
            # Codes are ASCII: "contains 广东" on CN-GD can never hold.
            raise _error(
                path, vocabulary_message(attr.name, value) or (gettext_noop("expected a code"), {})
            )
        if op == "matches":
            compile_pattern(value, path)
        return
    _check_scalar(attr, value, path)


# --------------------------------------------------------------------------------------------
# Regular expressions

_REPEATS = {
    _sre_parse.MAX_REPEAT,
    _sre_parse.MIN_REPEAT,
    getattr(_sre_parse, "POSSESSIVE_REPEAT", _sre_parse.MAX_REPEAT),
}
_LEADING_DOT_STAR = re.compile(r"\^?\.\*\??(?![+*?{])")
_TRAILING_DOT_STAR = re.compile(r"\.\*\??\$?\Z")


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.dot_nl = True
    options.log_errors = False  # a marketer's typo is a validation error, not a log line
    return options


_RE2_OPTIONS = _re2_options()


class Pattern:
    """A validated ``matches`` pattern, compiled by RE2, with the input limit its cost allows."""

    __slots__ = ("limit", "regex", "source")

    def __init__(self, source: str, regex: Any, limit: int) -> None:
        self.source = source
        self.regex = regex  # an RE2 regular expression (``re2._Regexp``)
        self.limit = limit

    def search(self, value: str) -> bool:
        return self.regex.search(value[: self.limit]) is not None


def compile_pattern(source: str, path: str = "rule.value") -> Pattern:
    """Validate a ``matches`` pattern and compile it with RE2 (see the module docstring).

    Python's parser runs first so that the patterns the old analysis refused keep their friendly
    error; a pattern only RE2 reads (``\\p{Han}``) skips that analysis, which RE2's linear time
    makes a courtesy rather than a defence. The outcome is remembered by pattern: a snapshot of
    10,000 segments repeats a few patterns many times, and each analysis costs ~0.5 ms.
    """
    if len(source) > MAX_REGEX_LENGTH:
        raise RuleError(
            path,
            gettext_noop("regular expression longer than %(limit)s characters"),
            {"limit": MAX_REGEX_LENGTH},
        )
    checked = _checked_pattern(source)
    if isinstance(checked, tuple):
        raise _error(path, checked)
    return checked


@functools.lru_cache(maxsize=4096)
def _checked_pattern(source: str) -> Pattern | Message:
    """The compiled pattern, or why it is refused (the message, without a path)."""
    try:
        variable = _analyse(source, "rule.value")
        regex = re2.compile(source, _RE2_OPTIONS)
    except RuleError as exc:
        return exc.template, exc.params
    except re2.error as exc:
        return _re2_message(exc)
    limit = MATCH_INPUT_LIMITS[variable] if variable is not None else MATCH_INPUT_LIMITS[0]
    return Pattern(source, regex, limit)


def _analyse(source: str, path: str) -> int | None:
    """Count the variable quantifiers of a pattern Python can parse (None if it cannot).

    Raises the friendly errors: backreferences, quantified variable groups, too many quantifiers,
    and a pattern neither Python nor RE2 can read.
    """
    flags = re.IGNORECASE | re.DOTALL
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" for RE2's [[:alpha:]]
            parsed = _sre_parse.parse(source, flags)
    except (re.error, RecursionError, OverflowError) as exc:
        try:
            re2.compile(source, _RE2_OPTIONS)
        except re2.error:
            raise RuleError(
                path, gettext_noop("invalid regular expression: %(detail)s"), {"detail": str(exc)}
            ) from None
        return None
    effective = _drop_redundant_dot_stars(source, parsed, flags)
    try:
        variable = _variable_quantifiers(_sre_parse.parse(effective, flags), path, inside=False)
    except RuleError:
        raise
    except Exception:  # an unexpected parse shape: refuse rather than guess
        logger.exception("could not analyse regular expression %r", source)
        raise RuleError(path, gettext_noop("regular expression could not be analysed")) from None
    if variable > MAX_VARIABLE_QUANTIFIERS:
        raise RuleError(
            path,
            gettext_noop(
                "regular expression has %(count)s variable quantifiers (*, +, {m,n}); at most "
                "%(limit)s are allowed: split it into several conditions"
            ),
            {"count": variable, "limit": MAX_VARIABLE_QUANTIFIERS},
        )
    return variable


def _re2_message(exc: Exception) -> Message:
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return gettext_noop(
        "regular expression uses syntax RE2 does not support (backreferences, lookahead or "
        "lookbehind, \\Z; see RE2 syntax): %(detail)s"
    ), {"detail": str(detail)}


def _drop_redundant_dot_stars(source: str, parsed: Any, flags: int) -> str:
    """Drop a leading ``^.*``/``.*`` and a trailing ``.*``/``.*$``: under ``re.search`` with DOTALL
    they never change whether a pattern matches, only how long a failing search takes.

    The rewritten pattern is kept only if it parses to exactly the original minus those items.
    """
    items = list(parsed)
    text = source
    head = _LEADING_DOT_STAR.match(text)
    if head:
        candidate = text[head.end() :]
        dropped = 2 if head.group().startswith("^") else 1
        if _same_parse(candidate, items[dropped:], flags):
            text, items = candidate, items[dropped:]
    tail = _TRAILING_DOT_STAR.search(text)
    if tail and not _escaped(text, tail.start()):
        candidate = text[: tail.start()]
        dropped = 2 if tail.group().endswith("$") else 1
        if _same_parse(candidate, items[: len(items) - dropped], flags):
            text = candidate
    return text


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _same_parse(candidate: str, items: list[Any], flags: int) -> bool:
    try:
        return repr(list(_sre_parse.parse(candidate, flags))) == repr(items)
    except re.error:
        return False


def _subpatterns(av: Any) -> Iterator[Any]:
    if isinstance(av, _sre_parse.SubPattern):
        yield av
    elif isinstance(av, tuple | list):
        for item in av:
            yield from _subpatterns(item)


def _variable_quantifiers(parsed: Any, path: str, inside: bool) -> int:
    """Count variable quantifiers; reject backreferences and quantified variable groups."""
    count = 0
    for op, av in parsed:
        if op in (_sre_parse.GROUPREF, _sre_parse.GROUPREF_EXISTS):
            raise RuleError(
                path, gettext_noop("backreferences are not allowed in a regular expression")
            )
        if op in _REPEATS:
            low, high, sub = av
            variable = high != low
            repeats = high > 1
            if inside and variable:
                raise _nested(path)
            if repeats and _has_branch(sub):
                raise _nested(path)
            if high - low > 1:  # "?" multiplies the work by at most two: not counted
                count += 1
            count += _variable_quantifiers(sub, path, inside or repeats)
        else:
            for sub in _subpatterns(av):
                count += _variable_quantifiers(sub, path, inside)
    return count


def _has_branch(parsed: Any) -> bool:
    for op, av in parsed:
        if op == _sre_parse.BRANCH:
            return True
        if any(_has_branch(sub) for sub in _subpatterns(av)):
            return True
    return False


def _nested(path: str) -> RuleError:
    return RuleError(
        path,
        gettext_noop(
            "regular expression repeats a group that contains a quantifier or an alternation "
            "(like (a+)+ or (a|ab)*), which can take exponential time"
        ),
    )


# --------------------------------------------------------------------------------------------
# Compilation


def compile_rule(rule: Any, segment_lookup: Mapping[str, Predicate] | None = None) -> Predicate:
    """Validate a rule and compile it to a predicate ``(ctx) -> bool``.

    ``{"segment": slug}`` nodes call ``segment_lookup[slug]`` at evaluation time (so the mapping
    may be filled after compiling) and memoise the result in ``ctx.segment_memo``; a slug the
    lookup does not know never matches.
    """
    validate(rule)
    return _compile_node(rule, segment_lookup if segment_lookup is not None else {})


def compile_segments(
    segments: Mapping[str, Any],
    errors: dict[str, RuleError] | None = None,
) -> dict[str, Predicate]:
    """Compile a whole set of segments that may reference each other.

    Each predicate memoises its result in ``ctx.segment_memo`` under its slug, so a segment is
    evaluated at most once per context however many rules reference it. A segment whose rule is
    invalid or part of a reference cycle is logged, reported in ``errors`` (if given) and never
    matches.
    """
    problems = validate_all(segments)
    predicates: dict[str, Predicate] = {}
    # Conditions written the same way in several segments ("device.type eq mobile") are one
    # predicate whose answer is kept per visitor: a large snapshot repeats a few conditions
    # thousands of times, and a page then asks each of them once.
    shared: dict[str, Predicate] = {}
    for slug, rule in segments.items():
        problem = problems.get(slug)
        if problem is not None:
            logger.warning("segment %s never matches: %s", slug, problem)
            if errors is not None:
                errors[slug] = problem
            predicates[slug] = _memoised(slug, _never)
        else:
            predicates[slug] = _memoised(slug, _compile_node(rule, predicates, shared))
    return predicates


def validate_all(segments: Mapping[str, Any]) -> dict[str, RuleError]:
    """Validate a set of segments together: each rule, references, and reference cycles."""
    errors: dict[str, RuleError] = {}
    graph: dict[str, list[str]] = {}
    for slug, rule in segments.items():
        try:
            graph[slug] = validate(rule, segments, slug)
        except RuleError as exc:
            errors[slug] = exc
    remaining = {slug: [r for r in refs if r in graph] for slug, refs in graph.items()}
    while (cycle := find_cycle(remaining)) is not None:
        members = cycle[:-1]
        for i, slug in enumerate(members):
            turn = [*members[i:], *members[:i], slug]
            errors[slug] = RuleError(
                "rule",
                gettext_noop("segment reference cycle %(cycle)s"),
                {"cycle": " -> ".join(turn)},
            )
        for slug in members:
            remaining.pop(slug, None)
        remaining = {s: [r for r in refs if r in remaining] for s, refs in remaining.items()}
    return errors


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return one reference cycle as ``[a, b, a]``, or None. Iterative: chains may be long."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in sorted(graph):
        if start in state:
            continue
        state[start] = 1
        path = [start]
        stack = [iter(sorted(graph.get(start, ())))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            seen = state.get(nxt)
            if seen == 1:
                return [*path[path.index(nxt) :], nxt]
            if seen is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def _never(ctx: RuleContext) -> bool:
    return False


def _memoised(slug: str, body: Predicate) -> Predicate:
    def segment(ctx: RuleContext) -> bool:
        memo = ctx.segment_memo
        result = memo.get(slug)
        if result is None:
            result = memo[slug] = bool(body(ctx))
        return result

    segment.__name__ = f"segment_{slug}"
    return segment


#: Memo keys of shared conditions start with this character (never part of a segment slug).
CONDITION_MEMO_PREFIX = "\x00"


def segment_results(ctx: RuleContext) -> dict[str, bool]:
    """The segments evaluated for a visitor so far and their answers (``ctx.segment_memo``
    without the answers of shared conditions that live beside them)."""
    return {
        slug: hit
        for slug, hit in ctx.segment_memo.items()
        if not slug.startswith(CONDITION_MEMO_PREFIX)
    }


def _shared_condition(node: Mapping[str, Any], shared: dict[str, Predicate]) -> Predicate:
    """One memoising predicate per distinct condition of a segment set (see ``compile_segments``).

    Its memo key starts with a NUL, which no segment slug holds, so it shares the visitor's
    ``segment_memo`` without meeting a segment."""
    canonical = json.dumps(
        [node["attr"], node.get("key"), node["op"], node["value"]], sort_keys=True, default=str
    )
    predicate = shared.get(canonical)
    if predicate is None:
        body = _compile_condition(node["attr"], node["op"], node["value"], node.get("key"))
        memo_key = f"{CONDITION_MEMO_PREFIX}{len(shared)}"

        def remembered(ctx: RuleContext) -> bool:
            memo = ctx.segment_memo
            result = memo.get(memo_key)
            if result is None:
                result = memo[memo_key] = body(ctx)
            return result

        predicate = shared[canonical] = remembered
    return predicate


def _compile_node(
    node: Mapping[str, Any],
    lookup: Mapping[str, Predicate],
    shared: dict[str, Predicate] | None = None,
) -> Predicate:
    if "attr" in node:
        if shared is not None:
            return _shared_condition(node, shared)
        return _compile_condition(node["attr"], node["op"], node["value"], node.get("key"))
    if "all" in node:
        children = tuple(_compile_node(child, lookup, shared) for child in node["all"])
        if len(children) == 1:
            return children[0]

        # Plain loops, not all()/any() over a generator: this runs per visitor and is ~2x faster.
        def all_of(ctx: RuleContext) -> bool:
            for child in children:  # noqa: SIM110
                if not child(ctx):
                    return False
            return True

        return all_of
    if "any" in node:
        children = tuple(_compile_node(child, lookup, shared) for child in node["any"])
        if len(children) == 1:
            return children[0]

        def any_of(ctx: RuleContext) -> bool:
            for child in children:  # noqa: SIM110
                if child(ctx):
                    return True
            return False

        return any_of
    if "not" in node:
        inner = _compile_node(node["not"], lookup, shared)

        def negation(ctx: RuleContext) -> bool:
            return not inner(ctx)

        return negation
    return _compile_reference(node["segment"], lookup)


def _compile_reference(slug: str, lookup: Mapping[str, Predicate]) -> Predicate:
    def reference(ctx: RuleContext) -> bool:
        memo = ctx.segment_memo
        result = memo.get(slug)
        if result is None:
            predicate = lookup.get(slug)
            result = memo[slug] = bool(predicate(ctx)) if predicate is not None else False
        return result

    return reference


Test = Callable[[Any], bool]


def _compile_keyed(name: str, key: str, op: str, value: Any) -> Predicate:
    """A condition on one key of a keyed attribute (same semantics as a plain condition)."""
    if op == "exists":
        want = bool(value)

        def keyed_exists(ctx: RuleContext) -> bool:
            return (keyed_value(ctx, name, key) is not None) is want

        return keyed_exists

    test = _make_test(ATTRIBUTES[name], op, value)

    def keyed_condition(ctx: RuleContext) -> bool:
        actual = keyed_value(ctx, name, key)
        if actual is None:
            return False
        try:
            return test(actual)
        except (TypeError, AttributeError, ValueError):
            return False

    keyed_condition.__name__ = f"{name}_{op}"
    return keyed_condition


def keyed_value(ctx: RuleContext, name: str, key: str) -> Any:
    """The value of a keyed attribute under a (normalised) key; None when unknown."""
    values = ctx.get(name)
    if not isinstance(values, Mapping):
        return None
    return values.get(key, KEY_DEFAULTS.get(name))


def _compile_condition(name: str, op: str, value: Any, key: str | None = None) -> Predicate:
    if key is not None:
        return _compile_keyed(name, normalise_key(name, key), op, value)
    if op == "exists":
        want = bool(value)

        def exists(ctx: RuleContext) -> bool:
            return (ctx.get(name) is not None) is want

        return exists

    if op in ("eq", "ne"):
        value = canonical(name, value)
    elif op in ("in", "not_in"):
        value = [canonical(name, item) for item in value]
    test = _make_test(ATTRIBUTES[name], op, value)

    def condition(ctx: RuleContext) -> bool:
        actual = ctx.get(name)
        if actual is None:
            return False
        try:
            return test(actual)
        except (TypeError, AttributeError, ValueError):
            # A value of the wrong type (a provider bug or a loose override) counts as missing.
            return False

    condition.__name__ = f"{name}_{op}"
    return condition


def _make_test(attr: Attribute, op: str, value: Any) -> Test:
    """The comparison of one known (not None) value; see the module docstring."""
    if attr.type == "list":
        return _make_list_test(op, value)
    if op == "eq":
        return lambda v: bool(v == value)
    if op == "ne":
        return lambda v: bool(v != value)
    if op in ("in", "not_in"):
        members = frozenset(value)
        if op == "in":
            return lambda v: v in members
        return lambda v: v not in members
    if op == "contains":
        needle = value.casefold()
        return lambda v: needle in v.casefold()
    if op == "startswith":
        prefix = value.casefold()
        return lambda v: v.casefold().startswith(prefix)
    if op == "matches":
        return compile_pattern(value).search
    if op == "gt":
        return lambda v: bool(v > value)
    if op == "gte":
        return lambda v: bool(v >= value)
    if op == "lt":
        return lambda v: bool(v < value)
    if op == "lte":
        return lambda v: bool(v <= value)
    if op == "between":
        low, high = value
        if attr.cyclic and low > high:
            return lambda v: bool(v >= low or v <= high)
        return lambda v: bool(low <= v <= high)
    raise RuleError("rule.op", gettext_noop("unknown operator %(op)s"), {"op": repr(op)})


def _make_list_test(op: str, value: Any) -> Test:
    if op == "contains":
        return lambda v: value in v
    members = frozenset(value)
    if op == "in":
        return lambda v: not members.isdisjoint(v)
    if op == "not_in":
        return lambda v: members.isdisjoint(v)
    raise RuleError(  # unreachable after validate()
        "rule.op", gettext_noop("operator %(op)s does not fit a list"), {"op": repr(op)}
    )


# --------------------------------------------------------------------------------------------
# Introspection and explanation


def _walk(node: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(node, Mapping):
        return
    yield node
    for key in ("all", "any"):
        children = node.get(key)
        if isinstance(children, list):
            for child in children:
                yield from _walk(child)
    if "not" in node:
        yield from _walk(node["not"])


def attributes_used(rule: Any) -> set[str]:
    """Attribute names the rule tests directly (not through referenced segments)."""
    return {n["attr"] for n in _walk(rule) if isinstance(n.get("attr"), str)}


def families_used(rule: Any) -> set[str]:
    """Attribute families (source, geo, ...) the rule needs directly."""
    return {name.partition(".")[0] for name in attributes_used(rule)}


def segments_used(rule: Any) -> set[str]:
    """Slugs of the segments the rule references directly."""
    return {n["segment"] for n in _walk(rule) if isinstance(n.get("segment"), str)}


def explain(
    rule: Any,
    ctx: RuleContext,
    segment_lookup: Mapping[str, Predicate] | None = None,
    *,
    validated: bool = False,
) -> dict[str, Any]:
    """Evaluate a rule for a context and say why, node by node.

    Returns a tree of ``{"path", "node", "result", ...}``: conditions carry ``attr``, ``op``,
    ``value`` and the ``actual`` value; ``all``/``any``/``not`` carry ``children``; segment
    references carry ``segment``. Every child is evaluated (no short-circuit) so the whole tree is
    explained; results agree with the compiled predicate. An invalid rule gives
    ``{"node": "invalid", "error": ..., "result": False}``. ``validated``: the rule is known to
    be valid (a snapshot validated it when it was built), so it is not checked again.
    """
    if not validated:
        try:
            validate(rule)
        except RuleError as exc:
            return {"path": exc.path, "node": "invalid", "error": str(exc), "result": False}
    return _explain(rule, "rule", ctx, segment_lookup if segment_lookup is not None else {})


def _explain(
    node: Mapping[str, Any], path: str, ctx: RuleContext, lookup: Mapping[str, Predicate]
) -> dict[str, Any]:
    if "attr" in node:
        name, op, value, key = node["attr"], node["op"], node["value"], node.get("key")
        explained = {
            "path": path,
            "node": "condition",
            "attr": name,
            "op": op,
            "value": value,
            "actual": ctx.get(name),
            "result": _compile_condition(name, op, value, key)(ctx),
        }
        if key is not None:
            explained["key"] = key
            explained["actual"] = keyed_value(ctx, name, normalise_key(name, key))
        return explained
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = [
            _explain(child, f"{path}.{key}[{i}]", ctx, lookup) for i, child in enumerate(node[key])
        ]
        results = [child["result"] for child in children]
        result = all(results) if key == "all" else any(results)
        return {"path": path, "node": key, "result": result, "children": children}
    if "not" in node:
        child = _explain(node["not"], f"{path}.not", ctx, lookup)
        return {"path": path, "node": "not", "result": not child["result"], "children": [child]}
    slug = node["segment"]
    return {
        "path": path,
        "node": "segment",
        "segment": slug,
        "known": slug in lookup,
        "result": _compile_reference(slug, lookup)(ctx),
    }
