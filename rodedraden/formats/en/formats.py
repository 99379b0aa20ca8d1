# English, in the European convention of a Dutch municipality (not Django's American
# "Oct. 15, 2026, 2:30 p.m."); numbers as Django formats them for English ("1,234.5").
DATE_FORMAT = "j F Y"  # 15 October 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y H:i"  # 15 October 2026 14:30
SHORT_DATE_FORMAT = "j N Y"  # 15 Oct. 2026
SHORT_DATETIME_FORMAT = "j N Y H:i"  # 15 Oct. 2026 14:30
YEAR_MONTH_FORMAT = "N Y"  # Oct. 2026
MONTH_DAY_FORMAT = "j F"  # 15 October
FIRST_DAY_OF_WEEK = 1  # Monday
