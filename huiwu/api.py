"""The root of the JSON API (/api/v1/); each app adds its router in its own api.py."""
from huiwu.core.api import api  # noqa: F401
