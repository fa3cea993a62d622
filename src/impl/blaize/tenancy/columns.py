"""Column types shared by every Blaize table."""

from sqlalchemy import String

ID = String(64)
EMAIL = String(320)
TENANT = String(63)
