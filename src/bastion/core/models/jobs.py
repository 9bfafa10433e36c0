from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models.accounts import User
from bastion.core.models.orgunits import OrgUnit


class Job(models.Model):
    """Long work (imports, exports, briefings) as a row the page can follow."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="jobs")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    input_name = models.CharField(max_length=200, blank=True)
    input_data = models.BinaryField(blank=True, default=b"")
    result = models.JSONField(default=dict, blank=True)
    output_data = models.BinaryField(blank=True, default=b"")  # an error report or an export to download

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
