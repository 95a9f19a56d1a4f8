from __future__ import annotations

from django import template

from miconsulado.catalog.models import Fee

register = template.Library()


@register.filter
def money(fee: Fee) -> str:
    """'137 USD', '50.50 USD': whole amounts without cents, the currency by its code (offices in
    Canada charge in dollars too, so the code says which)."""
    whole, cents = divmod(fee.amount_cents, 100)
    amount = f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"
    return f"{amount} {fee.currency}"
