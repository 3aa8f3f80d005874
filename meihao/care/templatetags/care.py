from django import template

from meihao.care.services.orders import yuan as yuan_of

register = template.Library()


@register.filter
def yuan(cents) -> str:
    """¥ of an amount in cents, as people write it (¥12, ¥12.5)."""
    try:
        return f"¥{yuan_of(int(cents))}"
    except (TypeError, ValueError):
        return ""
