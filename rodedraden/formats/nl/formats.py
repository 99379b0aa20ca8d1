# Dutch: Django's formats (DATE_FORMAT "j F Y", DATETIME_FORMAT "j F Y H:i", "1.234,5"), with
# short dates that keep the month's name instead of Django's "15-10-2026".
SHORT_DATE_FORMAT = "j N Y"  # 15 okt 2026
SHORT_DATETIME_FORMAT = "j N Y H:i"  # 15 okt 2026 14:30
YEAR_MONTH_FORMAT = "N Y"  # okt 2026
