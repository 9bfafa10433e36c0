"""The dashboard API (being written)."""

from ninja import Router

router = Router(tags=["dashboard"])
