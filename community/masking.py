"""Masking the numbers a customer should never publish: bank card numbers, PRC resident identity
card numbers and mainland mobile numbers.

Members paste them into posts ("my card 6222 0212 3456 7890 was charged twice") without thinking
who reads a public forum. Before a post, a topic title or a complaint's text is stored, every such
number is replaced by asterisks except its last 4 digits, the way the bank prints them on
statements. The checks keep false alarms rare, so prices, dates, amounts and order numbers stay
as written:

- a card number is 13 to 19 digits, written in one run or in groups of four (4-6-5 for
  American Express), and must pass the Luhn check every card number carries;
- a resident ID number is 18 characters (17 digits and a digit or X) holding a real birth date,
  and its last character must be the ISO 7064 MOD 11-2 check of the others;
- a mobile number is 1[3-9] and 9 more digits (3-4-4 groups allowed), optionally after +86.

A number glued to letters or other digits (an order number such as DD13800138000) is not one of
them. Full-width digits (１３８...) are not recognised; members rarely type them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

CARD = "card"
RESIDENT_ID = "resident_id"
MOBILE = "mobile"

# Digits and letters around a number make it part of something else (an order or a reference),
# and so does a decimal point or thousands separator between digits (an amount: 13800138000.00);
# after a "+" it is an international phone number, handled by the mobile rule alone.
_BEFORE = r"(?<![0-9A-Za-z+])(?<![0-9][.,])"
_AFTER = r"(?![0-9A-Za-z])(?![.,][0-9])"

_RESIDENT_ID_RE = re.compile(
    _BEFORE + r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx]" + _AFTER
)
_CARD_RE = re.compile(
    _BEFORE
    + r"(?:[0-9]{13,19}"  # one run
    + r"|[0-9]{4}(?P<sep>[ -])[0-9]{4}(?:(?P=sep)[0-9]{4}){1,2}(?:(?P=sep)[0-9]{1,4})?"  # 4-4-4-4(-3)
    + r"|[0-9]{4}(?P<amex>[ -])[0-9]{6}(?P=amex)[0-9]{4,5})"  # 4-6-5
    + _AFTER
)
_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][.,])(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?P<sep>[ -]?)[0-9]{4}(?P=sep)[0-9]{4}"
    + _AFTER
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def resident_id_valid(number: str) -> bool:
    """GB 11643: a real birth date and the MOD 11-2 check character."""
    number = number.upper()
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


@dataclass
class MaskedText:
    """Text with its sensitive numbers masked, and which kinds of number were found."""

    text: str
    found: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def _mask_keep_last_four(number: str, star: str) -> str:
    """Every digit (and X) but the last four becomes a star; separators and +86 stay readable."""
    keep = 4
    out: list[str] = []
    for char in reversed(number):
        if char.isdigit() or char in "Xx":
            out.append(char if keep > 0 else star)
            keep -= 1
        else:
            out.append(char)
    return "".join(reversed(out))


def _mobile_part(number: str) -> str:
    """A mobile number's own digits: the country code is left out of the masking count."""
    return re.sub(r"^(?:\+|00)86[ -]?", "", number)


def mask_sensitive(text: str, *, markdown: bool = False) -> MaskedText:
    """Mask card, resident ID and mobile numbers in ``text``, keeping their last 4 digits.

    With ``markdown=True`` the stars are escaped (``\\*``) so Markdown shows them as written
    instead of reading them as emphasis.
    """
    if not text:
        return MaskedText(text or "")
    star = r"\*" if markdown else "*"
    found: set[str] = set()

    def replacer(kind: str, check: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            number = match.group(0)
            if not check(number):
                return number
            found.add(kind)
            if kind == MOBILE:
                prefix = number[: len(number) - len(_mobile_part(number))]
                return prefix + _mask_keep_last_four(_mobile_part(number), star)
            return _mask_keep_last_four(number, star)

        return replace

    text = _RESIDENT_ID_RE.sub(replacer(RESIDENT_ID, resident_id_valid), text)
    text = _CARD_RE.sub(
        replacer(CARD, lambda n: 13 <= len(d := re.sub(r"\D", "", n)) <= 19 and luhn_valid(d)),
        text,
    )
    text = _MOBILE_RE.sub(replacer(MOBILE, lambda n: True), text)
    return MaskedText(text, found)


def masking_notice(found: set[str]) -> str:
    """What to tell the author: which numbers were hidden, and why."""
    names = {
        CARD: _("a bank card number"),
        RESIDENT_ID: _("a resident ID number"),
        MOBILE: _("a mobile phone number"),
    }
    kinds = _(", ").join(str(names[kind]) for kind in (CARD, RESIDENT_ID, MOBILE) if kind in found)
    return _(
        "To protect you, we hid %(kinds)s in your text and kept only the last 4 digits. "
        "Never publish card, ID or phone numbers; customer service can reach you through "
        "your complaint instead."
    ) % {"kinds": kinds}
