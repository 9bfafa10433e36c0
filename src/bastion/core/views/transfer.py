"""Excel doors: export, template download, import as a background job, and the job's page."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bastion.core import imports, selectors, tasks
from bastion.core.imports import Column, Refused
from bastion.core.models import Job
from bastion.core.services import jobs
from bastion.core.views.helpers import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))
    max_bytes = imports.MAX_BYTES

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        head = upload.read(4)
        upload.seek(0)
        try:
            imports.check_upload(upload.size or 0, head, self.max_bytes)
        except Refused as refused:
            raise forms.ValidationError(refused.message) from refused
        return upload


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _dated(stem: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"


@login_required
@permission_required("core.export_orgunit", raise_exception=True)
def units_export(request: AuthedRequest) -> HttpResponse:
    units = selectors.orgunit_search(request.user).iterator(chunk_size=2000)
    return _xlsx(imports.units_workbook(units), _dated("org-units"))


@login_required
@permission_required("core.export_orgunit", raise_exception=True)
def institutions_export(request: AuthedRequest) -> HttpResponse:
    institutions = selectors.institutions_for_user(request.user).iterator(chunk_size=2000)
    return _xlsx(imports.institutions_workbook(institutions), _dated("institutions"))


@login_required
@permission_required("core.add_orgunit", raise_exception=True)
def units_template(request: AuthedRequest) -> HttpResponse:
    return _xlsx(imports.units_template(), "org-units-template.xlsx")


@login_required
@permission_required("core.add_institution", raise_exception=True)
def institutions_template(request: AuthedRequest) -> HttpResponse:
    return _xlsx(imports.institutions_template(), "institutions-template.xlsx")


def import_page(
    request: AuthedRequest,
    *,
    kind: str,
    title: str,
    columns: Sequence[Column],
    template: str,
    back: str,
    max_rows: int = imports.MAX_ROWS,
    max_bytes: int = imports.MAX_BYTES,
) -> HttpResponse:
    """Upload an Excel file as a job of ``kind`` (a runner of ``core.services.jobs``) and follow it."""
    form = ImportForm(request.POST or None, request.FILES or None)
    form.max_bytes = max_bytes
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        job = jobs.job_create(by=request.user, kind=kind, input_name=upload.name or "", input_data=upload.read())
        transaction.on_commit(partial(tasks.job_run_task, job.pk))
        return redirect("core:job", job_id=job.pk)
    return render(
        request,
        "core/import.html",
        {
            "form": form,
            "title": title,
            "columns": columns,
            "template_url": reverse(template),
            "back_url": reverse(back),
            "max_mb": max_bytes // (1024 * 1024),
            "max_rows": max_rows,
        },
    )


@login_required
@permission_required("core.add_orgunit", raise_exception=True)
def units_import(request: AuthedRequest) -> HttpResponse:
    return import_page(
        request,
        kind=jobs.ORGUNIT_IMPORT,
        title=_("Import org units from Excel"),
        columns=imports.UNIT_IMPORT,
        template="core:units_template",
        back="core:tree",
    )


@login_required
@permission_required("core.add_institution", raise_exception=True)
def institutions_import(request: AuthedRequest) -> HttpResponse:
    return import_page(
        request,
        kind=jobs.INSTITUTION_IMPORT,
        title=_("Import institutions from Excel"),
        columns=imports.INSTITUTION_IMPORT,
        template="core:institutions_template",
        back="core:institutions",
    )


def _outcome(job: Job) -> str:
    created = int(job.result.get("created", 0))
    if job.kind == jobs.INSTITUTION_IMPORT:
        return ngettext("%(count)s institution was added.", "%(count)s institutions were added.", created) % {
            "count": created
        }
    return ngettext("%(count)s unit was added.", "%(count)s units were added.", created) % {"count": created}


@login_required
def job_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get_for_user(request.user, job_id)
    titles = {jobs.ORGUNIT_IMPORT: _("Import of org units"), jobs.INSTITUTION_IMPORT: _("Import of institutions")}
    backs = {jobs.ORGUNIT_IMPORT: "core:units_import", jobs.INSTITUTION_IMPORT: "core:institutions_import"}
    errors = job.result.get("errors", [])
    context = {
        "job": job,
        "title": titles.get(job.kind, job.kind),
        "again_url": reverse(backs[job.kind]) if job.kind in backs else "",
        "poll_url": reverse("core:job", kwargs={"job_id": job.pk}) + "?fragment=1",
        "saving": job.result.get("phase") == "saving" and not job.is_finished,
        "outcome": _outcome(job) if job.status == Job.Status.DONE else "",
        "errors": errors,
        "more_errors": max(int(job.result.get("error_count", 0)) - len(errors), 0),
    }
    template = "core/_job_progress.html" if request.GET.get("fragment") else "core/job.html"
    return render(request, template, context)
