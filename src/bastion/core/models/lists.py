"""The shape of a configurable list entry: a stable code, a name per language, an order, an active flag."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.names import localized


class ListEntry(models.Model):
    """Category tags, symptoms, incident categories…: entries the HQ adds and renames without code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("name"), default=dict)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.names) or self.code
