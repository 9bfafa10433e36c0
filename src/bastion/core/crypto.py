"""Encryption at rest and keyed hashes for personal data (ID and phone numbers).

Values are encrypted with AES-GCM under a key derived from
``settings.FIELD_ENCRYPTION_KEY`` (values written before by Fernet still read);
equality look-ups go through an HMAC of the normalised value, so the plain
number is never stored or compared in SQL. AES-GCM is one C call per value,
which keeps a 100,000-row roster import fast.

The derived keys are worked out once per value of the setting and kept (``_keys``): the setting is
still read on every call, so a changed key (``override_settings`` in tests, a rotation) takes effect
at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models


def _derived(purpose: str, key_material: str) -> bytes:
    return hashlib.sha256(f"bastion:{purpose}:{key_material}".encode()).digest()


@dataclass(frozen=True, slots=True)
class FieldKeys:
    """The keys derived from one value of ``FIELD_ENCRYPTION_KEY``."""

    aead: AESGCM
    # HMAC-SHA256 (RFC 2104) of the look-up key with its two padded key blocks hashed once: a look-up
    # hash is then two copies and two one-block updates. ``hmac.digest`` sets up the key again on
    # every call, which made it about 2.5 times as slow (200,000 hashes per 100,000-row roster).
    inner: Any  # hashlib's sha256 object after the inner padded key
    outer: Any  # and after the outer one

    def lookup_hash(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return str(outer.hexdigest())

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        return GCM_PREFIX + base64.urlsafe_b64encode(nonce + self.aead.encrypt(nonce, value.encode(), None)).decode()

    def keyed_hash(self, value: str) -> str:
        return self.lookup_hash("".join(value.split()).upper().encode())


_KEYS: dict[str, FieldKeys] = {}


def _keys() -> FieldKeys:
    material = settings.FIELD_ENCRYPTION_KEY
    keys = _KEYS.get(material)
    if keys is None:
        keys = _derive_keys(material)
        if len(_KEYS) >= 4:  # a test suite overriding the key many times should not grow this forever
            _KEYS.clear()
        _KEYS[material] = keys
    return keys


def _derive_keys(material: str) -> FieldKeys:
    lookup = _derived("lookup-hash", material)  # 32 bytes: shorter than SHA-256's 64-byte block, so used as is
    block = lookup.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    keys = FieldKeys(AESGCM(_derived("field-encryption-gcm", material)), inner, outer)
    probe = b"bastion:probe"
    if keys.lookup_hash(probe) != hmac.digest(lookup, probe, "sha256").hex():  # pragma: no cover
        raise AssertionError("the cached HMAC-SHA256 disagrees with hmac.digest")
    return keys


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived("field-encryption", key_material)))


GCM_PREFIX = "g1:"


def field_keys() -> FieldKeys:
    """The keys of the configured ``FIELD_ENCRYPTION_KEY``, for a loop that encrypts or hashes many values
    (an import): ``encrypt`` and ``keyed_hash`` read the setting on every call, about a third of their cost."""
    return _keys()


def encrypt(value: str) -> str:
    return _keys().encrypt(value)


def decrypt(token: str) -> str:
    try:
        if token.startswith(GCM_PREFIX):
            raw = base64.urlsafe_b64decode(token[len(GCM_PREFIX) :])
            return _keys().aead.decrypt(raw[:12], raw[12:], None).decode()
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except (InvalidToken, InvalidTag, ValueError) as exc:
        raise ValueError("encrypted value cannot be read with the configured key") from exc


def keyed_hash(value: str) -> str:
    """A stable, keyed fingerprint of a normalised value, for exact look-ups (HMAC-SHA256, hex)."""
    return _keys().keyed_hash(value)


def mask_name(name: str) -> str:
    """Mask a person's name for lists: 张三 -> 张*, 张三丰 -> 张*丰, Ahmet Aly -> A*******y."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


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


class LookupHashField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of a sibling encrypted field, kept in step on every save and bulk insert.

    Exact look-ups (``Person.objects.filter(id_hash=keyed_hash(number))``) go through it; the
    plain number never reaches SQL.
    """

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        plain = getattr(model_instance, self.source)
        value = keyed_hash(plain) if plain else (None if self.null else "")
        setattr(model_instance, self.attname, value)
        return value
