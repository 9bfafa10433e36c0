"""The command API (being written)."""

from ninja import Router

router = Router(tags=["command"])
