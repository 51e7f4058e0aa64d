"""Spreadsheet exports that cannot run code on the reader's computer.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, WPS and LibreOffice when a CSV file is opened ("CSV injection"): a customer who
types ``=HYPERLINK(...)`` as their name would otherwise run it on a staff member's desk. Such a
cell is written with a leading apostrophe, which spreadsheets show as text. Wagtail's XLSX export
already stores formulas as plain strings; CSV needs this.
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.views.generic import IndexView

# Full-width forms too: spreadsheets in Chinese locales may read them as formula signs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise_formula(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeExportIndexView(IndexView):
    """A Wagtail listing whose CSV export neutralises formula cells (see module docstring)."""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value
