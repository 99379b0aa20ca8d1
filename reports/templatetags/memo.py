from django import template

from reports.charts import small_count as _small_count

register = template.Library()


@register.filter
def small_count(value) -> str:
    """Counts below 3 as "< 3" (and 0 as 0): small numbers can point at persons."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return _small_count(number) or "0"
