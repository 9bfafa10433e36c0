"""The care and delivery API."""

from ninja import Router

router = Router(tags=["observation"])
