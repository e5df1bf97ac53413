"""Placeholder replaced below."""
from ninja import NinjaAPI

api = NinjaAPI()
