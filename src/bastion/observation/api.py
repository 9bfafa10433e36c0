"""The observation API."""

from ninja import Router

router = Router(tags=["observation"])
