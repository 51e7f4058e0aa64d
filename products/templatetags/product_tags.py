"""Formatting of product figures for customers: amounts in yuan, rates in percent."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(amount: Decimal | int | None) -> str:
    """¥1,000,000 for whole amounts, ¥1,234.50 otherwise; empty for no amount."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"¥{amount:,.0f}"
    return f"¥{amount:,.2f}"


@register.filter
def percent(rate: Decimal | None) -> str:
    """2.85% (two decimals as banks quote them); empty for no rate."""
    if rate is None or rate == "":
        return ""
    return f"{Decimal(rate):.2f}%"
