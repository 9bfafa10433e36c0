"""The checkpoints API."""

from ninja import Router

router = Router(tags=["checkpoints"])
