from decimal import Decimal

from django import template

from bastion.core.roles import role_label as _role_label

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    return _role_label(code)


@register.filter
def audit_value(value: object) -> str:
    """An audit summary value: [old, new] reads as "old → new"."""
    if isinstance(value, list):
        return " → ".join("—" if v in (None, "") else str(v) for v in value)
    return "" if value is None else str(value)


@register.filter
def figure(values: dict[int, Decimal] | None, key: int) -> str:
    """A figure of a {indicator id: number} row, without trailing zeros; empty when absent."""
    number = (values or {}).get(key)
    if number is None:
        return ""
    return f"{number.normalize():f}"
