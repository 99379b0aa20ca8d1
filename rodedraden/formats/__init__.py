"""Date and number formats per language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Templates name a format, never spell one out: ``|date`` (DATE_FORMAT: 15 oktober 2026 /
15 October 2026), ``|date:"DATETIME_FORMAT"``, ``|date:"SHORT_DATE_FORMAT"`` (15 okt 2026 /
15 Oct. 2026), ``|date:"SHORT_DATETIME_FORMAT"`` and ``|date:"YEAR_MONTH_FORMAT"`` (okt 2026 /
Oct. 2026, for periods in narrow columns). English follows the European convention: the day
before the month, a 24-hour clock, weeks from Monday. Numbers follow Django's formats for the
language (1.234,5 / 1,234.5). The memo is Dutch and keeps its own formats.
"""
