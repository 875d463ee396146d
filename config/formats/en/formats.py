# Dates as the floor reads and sorts them: 2026-12-01 14:05, not "Dec. 1, 2026, 2:05 p.m.".
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
