"""Numbers as people read them, in the active language: headline figures with their unit."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def figure_value(value, unit: str = "") -> str:
    """A headline figure: at most one decimal, grouped thousands, and its unit — "1.234",
    "12,5 %", "41 dagen" in Dutch; "1,234", "12.5%", "41 days" in English."""
    number = floatformat(value, "-1g")
    if unit == "%":
        return _("%(number)s%%") % {"number": number}
    if unit == "d":
        return ngettext("%(number)s day", "%(number)s days", 1 if value == 1 else 2) % {
            "number": number
        }
    return number
