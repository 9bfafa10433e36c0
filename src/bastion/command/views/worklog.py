"""The work log pages: the list, drafting a day, the log with its signature and amendments, edit, sign, amend, and
the PDF and Word files that are filed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.command import worklog_export as exports
from bastion.command.forms_worklog import WorkLogAmendForm, WorkLogDraftForm, WorkLogEditForm
from bastion.command.models import WorkLog
from bastion.command.selectors import worklog as selectors
from bastion.command.services import worklog as services
from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_page(
    request: AuthedRequest,
    form: Any,
    title: str,
    *,
    cancel: str,
    submit: str,
    log: WorkLog | None = None,
    help_text: str = "",
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "submit": submit, "log": log, "help": help_text}
    status = 400 if request.method == "POST" else 200
    return render(request, "command/worklog/form.html", context, status=status)


@login_required
@permission_required("command.view_worklog", raise_exception=True)
def worklog_list(request: AuthedRequest) -> HttpResponse:
    first, last = date_asked(request, "from"), date_asked(request, "to")
    if first is not None and last is not None and first > last:
        first, last = last, first
    data: dict[str, Any] = {
        "unit": unit_asked_for(request),
        "first": first,
        "last": last,
        "status": request.GET.get("status", "").strip()[:10],
    }
    logs = selectors.worklogs_for_user(request.user, **data)
    context = {
        "page": paginate(request, logs),
        "query": query_without_page(request),
        **data,
        "statuses": WorkLog.Status.choices,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "command/worklog/list.html", context)


@login_required
@permission_required("command.change_worklog", raise_exception=True)
def worklog_draft(request: AuthedRequest) -> HttpResponse:
    posts = selectors.worklog_posts_for_user(request.user)
    asked = request.GET.get("post", "")
    initial: dict[str, Any] = {"day": date_asked(request, "day") or timezone.localdate()}
    if asked.isdigit():
        initial["command_post"] = posts.filter(pk=int(asked)).first()
    form = WorkLogDraftForm(request.POST or None, posts=posts, initial=initial)
    log = form_submit(request, form, lambda data: services.worklog_draft(by=request.user, **data))
    if log is not None:
        messages.success(request, _("The log is drafted from the day's records: read it, complete it, then sign it."))
        return redirect("command:worklog_detail", worklog_id=log.pk)
    return _form_page(
        request,
        form,
        _("Draft a work log"),
        cancel=reverse("command:worklog_list"),
        submit=_("Draft"),
        help_text=_(
            "The draft gathers the day's reports, immediate reports, meetings and decisions, action items and "
            "weaknesses of the post's unit and the units below it. A draft nobody has edited is drafted again."
        ),
    )


@login_required
@permission_required("command.view_worklog", raise_exception=True)
def worklog_detail(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    return render(request, "command/worklog/detail.html", {"log": log, "amendments": list(log.amendments.all())})


@login_required
@permission_required("command.change_worklog", raise_exception=True)
def worklog_edit(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    if request.method != "POST" and log.status == WorkLog.Status.SIGNED:
        messages.error(request, _("This log is signed: add an amendment instead."))
        return redirect("command:worklog_detail", worklog_id=log.pk)
    form = WorkLogEditForm(request.POST or None, initial={"body": log.body})
    saved = form_submit(request, form, lambda data: services.worklog_edit(by=request.user, log=log, **data))
    if saved is not None:
        messages.success(request, _("The log is saved."))
        return redirect("command:worklog_detail", worklog_id=log.pk)
    title = _("Edit the log of %(day)s") % {"day": f"{log.day:%Y-%m-%d}"}
    cancel = reverse("command:worklog_detail", kwargs={"worklog_id": log.pk})
    return _form_page(request, form, title, cancel=cancel, submit=_("Save"), log=log)


@login_required
@permission_required("command.sign_worklog", raise_exception=True)
@require_POST
def worklog_sign(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    try:
        services.worklog_sign(by=request.user, log=log)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The log is signed. Any later change is an amendment."))
    return redirect("command:worklog_detail", worklog_id=log.pk)


@login_required
@permission_required("command.change_worklog", raise_exception=True)
def worklog_amend(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    if request.method != "POST" and log.status != WorkLog.Status.SIGNED:
        messages.info(request, _("This log is not signed yet: edit it instead."))
        return redirect("command:worklog_edit", worklog_id=log.pk)
    form = WorkLogAmendForm(request.POST or None)
    amendment = form_submit(request, form, lambda data: services.worklog_amend(by=request.user, log=log, **data))
    if amendment is not None:
        messages.success(request, _("The amendment is kept after the signed log."))
        return redirect("command:worklog_detail", worklog_id=log.pk)
    title = _("Amend the log of %(day)s") % {"day": f"{log.day:%Y-%m-%d}"}
    cancel = reverse("command:worklog_detail", kwargs={"worklog_id": log.pk})
    return _form_page(request, form, title, cancel=cancel, submit=_("Add the amendment"), log=log)


@login_required
@permission_required("command.view_worklog", raise_exception=True)
def worklog_pdf(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    response = HttpResponse(exports.worklog_pdf(log), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(log, "pdf")}"'
    return response


@login_required
@permission_required("command.view_worklog", raise_exception=True)
def worklog_docx(request: AuthedRequest, worklog_id: int) -> HttpResponse:
    log = selectors.worklog_get_for_user(request.user, worklog_id)
    response = HttpResponse(exports.worklog_docx(log), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(log, "docx")}"'
    return response


urlpatterns = [
    path("worklogs/", worklog_list, name="worklog_list"),
    path("worklogs/draft/", worklog_draft, name="worklog_draft"),
    path("worklogs/<int:worklog_id>/", worklog_detail, name="worklog_detail"),
    path("worklogs/<int:worklog_id>/edit/", worklog_edit, name="worklog_edit"),
    path("worklogs/<int:worklog_id>/sign/", worklog_sign, name="worklog_sign"),
    path("worklogs/<int:worklog_id>/amend/", worklog_amend, name="worklog_amend"),
    path("worklogs/<int:worklog_id>/log.pdf", worklog_pdf, name="worklog_pdf"),
    path("worklogs/<int:worklog_id>/log.docx", worklog_docx, name="worklog_docx"),
]
