"""`{% load redculture %}`: distances as walkers read them, metres up to a kilometre."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def distance(metres) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return _("%(metres)d m") % {"metres": round(metres)}
    return _("%(km).1f km") % {"km": metres / 1000}
