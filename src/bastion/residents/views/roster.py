"""The roster import: upload, a preview of every row as a job, the confirmation, the outcome."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.core import selectors, tasks
from bastion.core.imports import Refused
from bastion.core.models import Job, OrgUnit
from bastion.core.views.helpers import AuthedRequest
from bastion.core.views.transfer import ImportForm, _xlsx
from bastion.residents.imports import reading, writing
from bastion.residents.jobs import ROSTER_IMPORT, ROSTER_PREVIEW, roster_confirm, roster_job_create


class RosterForm(ImportForm):
    max_bytes = reading.MAX_BYTES
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Unit for rows that name none"),
        help_text=gettext_lazy("Rows with a village or community column are put in the unit they name."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.orgunit_choices_for_user(user)


@login_required
@permission_required("residents.add_person", raise_exception=True)
def roster_import(request: AuthedRequest) -> HttpResponse:
    form = RosterForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        job = roster_job_create(
            by=request.user,
            kind=ROSTER_PREVIEW,
            unit=form.cleaned_data["unit"],
            input_name=upload.name or "",
            input_data=upload.read(),
        )
        transaction.on_commit(partial(tasks.job_run_task, job.pk))
        return redirect("residents:roster_job", job_id=job.pk)
    context = {
        "form": form,
        "columns": [c for c in reading.COLUMNS if c.key != "serial"],
        "max_mb": reading.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "residents/roster_import.html", context)


@login_required
@permission_required("residents.add_person", raise_exception=True)
def roster_template(request: AuthedRequest) -> HttpResponse:
    return _xlsx(writing.roster_template(), "roster-template.xlsx")


def _roster_job(request: AuthedRequest, job_id: int) -> Job:
    job = selectors.job_get_for_user(request.user, job_id)
    if job.kind not in (ROSTER_PREVIEW, ROSTER_IMPORT):
        raise Http404("not a roster job")
    return job


@login_required
@permission_required("residents.add_person", raise_exception=True)
def roster_job(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = _roster_job(request, job_id)
    result = job.result
    errors = result.get("errors", [])
    is_preview = job.kind == ROSTER_PREVIEW
    import_id = result.get("import_job_id")
    context = {
        "job": job,
        "is_preview": is_preview,
        "title": _("Preview of the roster import") if is_preview else _("Roster import"),
        "poll_url": reverse("residents:roster_job", kwargs={"job_id": job.pk}) + "?fragment=1",
        "confirm_url": reverse("residents:roster_confirm", kwargs={"job_id": job.pk}),
        "errors_url": reverse("residents:roster_errors", kwargs={"job_id": job.pk}) if result.get("refused") else "",
        "import_url": reverse("residents:roster_job", kwargs={"job_id": import_id}) if import_id else "",
        "again_url": reverse("residents:roster_import"),
        "can_confirm": is_preview and job.status == Job.Status.DONE and not import_id and result.get("created"),
        "errors": errors,
        "more_errors": max(int(result.get("error_count", 0)) - len(errors), 0),
        "preview": result.get("preview", []),
    }
    template = "residents/_roster_progress.html" if request.GET.get("fragment") else "residents/roster_job.html"
    return render(request, template, context)


@login_required
@permission_required("residents.add_person", raise_exception=True)
@require_POST
def roster_confirm_view(request: AuthedRequest, job_id: int) -> HttpResponse:
    preview = _roster_job(request, job_id)
    if preview.kind != ROSTER_PREVIEW:
        raise Http404("not a preview")
    try:
        job = roster_confirm(by=request.user, preview=preview)
    except Refused:
        return redirect("residents:roster_job", job_id=preview.pk)
    if job.status == Job.Status.QUEUED:
        transaction.on_commit(partial(tasks.job_run_task, job.pk))
    return redirect("residents:roster_job", job_id=job.pk)


@login_required
@permission_required("residents.add_person", raise_exception=True)
def roster_errors(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = _roster_job(request, job_id)
    if not job.output_data:
        raise Http404("no refused rows")
    return _xlsx(bytes(job.output_data), f"roster-errors-{job.pk}.xlsx")


urlpatterns = [
    path("roster/import/", roster_import, name="roster_import"),
    path("roster/template.xlsx", roster_template, name="roster_template"),
    path("roster/jobs/<int:job_id>/", roster_job, name="roster_job"),
    path("roster/jobs/<int:job_id>/confirm/", roster_confirm_view, name="roster_confirm"),
    path("roster/jobs/<int:job_id>/errors.xlsx", roster_errors, name="roster_errors"),
]
