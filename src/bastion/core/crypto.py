"""Encryption at rest and keyed hashes for personal data (ID and phone numbers).

Values are encrypted with Fernet under a key derived from
``settings.FIELD_ENCRYPTION_KEY``; equality look-ups go through an HMAC of the
normalised value, so the plain number is never stored or compared in SQL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


def _derive(purpose: str) -> bytes:
    return hashlib.sha256(f"bastion:{purpose}:{settings.FIELD_ENCRYPTION_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("field-encryption")))


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("encrypted value cannot be read with the configured key") from exc


def keyed_hash(value: str) -> str:
    """A stable, keyed fingerprint of a normalised value, for exact look-ups."""
    normalised = "".join(value.split()).upper()
    return hmac.new(_derive("lookup-hash"), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask the middle of a number for lists: 13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text field stored encrypted; reads give back the plain text."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
