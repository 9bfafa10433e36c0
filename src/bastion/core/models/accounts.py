from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models.orgunits import OrgUnit


class User(AbstractUser):
    """A person's account. What it may see is the union of its scopes' subtrees."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    scope_units: models.ManyToManyField[OrgUnit, UserScope] = models.ManyToManyField(
        OrgUnit, through="UserScope", related_name="scoped_users", blank=True, verbose_name=_("scope")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("manage_accounts", _("Can create and edit accounts within scope"))]

    def __str__(self) -> str:
        return self.display_name or self.username


class UserScope(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org_unit"], name="userscope_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.org_unit_id}"


class ApiToken(models.Model):
    """A device token. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("device name"), max_length=60)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
