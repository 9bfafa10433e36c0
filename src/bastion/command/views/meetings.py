"""Meeting pages: the list, opening one, the meeting itself (attendance, minutes, decisions, the gathered
material of a morning dispatch or an evening review) and its printable sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.command.forms import AttendanceForm, DecisionForm, MeetingForm, MinutesForm
from bastion.command.models import Meeting, MeetingKind
from bastion.command.selectors import meetings as selectors
from bastion.command.services import meetings as services
from bastion.command.views.common import form_page
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.residents.forms import ChecklistItemForm
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit


@login_required
@permission_required("command.view_meeting", raise_exception=True)
def meeting_list(request: AuthedRequest) -> HttpResponse:
    kind = MeetingKind.objects.filter(code=request.GET.get("kind", "")).first()
    q = request.GET.get("q", "").strip()[:100]
    meetings = selectors.meetings_for_user(
        request.user,
        unit=unit_asked_for(request),
        kind=kind,
        first=date_asked(request, "from"),
        last=date_asked(request, "to"),
        q=q,
    )
    context = {
        "page": paginate(request, meetings.order_by("-held_on", "-starts_at", "-pk")),
        "query": query_without_page(request),
        "kinds": MeetingKind.objects.filter(is_active=True),
        "kind": kind,
        "q": q,
        "unit": unit_asked_for(request),
    }
    return render(request, "command/meeting_list.html", context)


@login_required
@permission_required("command.add_meeting", raise_exception=True)
def meeting_new(request: AuthedRequest) -> HttpResponse:
    posts = selectors.posts_for_user(request.user)
    initial: dict[str, Any] = {}
    if kind := MeetingKind.objects.filter(code=request.GET.get("kind", ""), is_active=True).first():
        initial["kind"] = kind.pk
    if posts.count() == 1:
        initial["command_post"] = posts.get().pk
    form = MeetingForm(request.POST or None, posts=posts, initial=initial)
    meeting = form_submit(request, form, lambda data: services.meeting_open(by=request.user, **data))
    if meeting is not None:
        return redirect("command:meeting_detail", meeting.pk)
    return form_page(request, form, _("Open a meeting"), cancel=reverse("command:meeting_list"))


def _detail_context(request: AuthedRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    post = meeting.command_post
    return {
        "meeting": meeting,
        "attendances": meeting.attendances.select_related("member").order_by("-present", "member__name"),
        "decisions": meeting.decisions.select_related("group", "fund_entry__fund").prefetch_related(
            "action_items__owner_member", "action_items__owner_group", "action_items__owner_unit"
        ),
        "material": selectors.material_for(meeting),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"title": meeting.title, "agenda": meeting.agenda, "minutes": meeting.minutes}),
        "attendance_form": forms.get("attendance_form") or AttendanceForm(post=post),
        "decision_form": forms.get("decision_form") or DecisionForm(post=post),
        "may_change": meeting.status == Meeting.Status.OPEN and request.user.has_perm("command.change_meeting"),
    }


@login_required
@permission_required("command.view_meeting", raise_exception=True)
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    return render(request, "command/meeting_detail.html", _detail_context(request, meeting))


def _changed(request: AuthedRequest, meeting: Meeting, form_name: str, form: Any, done: Any) -> HttpResponse:
    """Hand a meeting's form to its service; on an error the meeting page comes back with the form's messages."""
    if not request.user.has_perm("command.change_meeting"):
        raise PermissionDenied
    result = form_submit(request, form, done)
    if result is not None:
        return redirect(reverse("command:meeting_detail", args=[meeting.pk]) + f"#{form_name}")
    context = _detail_context(request, meeting, **{form_name: form})
    return render(request, "command/meeting_detail.html", context, status=400)


@login_required
@require_POST
def meeting_minutes(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = MinutesForm(request.POST)
    return _changed(
        request,
        meeting,
        "minutes_form",
        form,
        lambda data: services.meeting_update(by=request.user, meeting=meeting, **data),
    )


@login_required
@require_POST
def meeting_attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = AttendanceForm(request.POST, post=meeting.command_post)
    return _changed(
        request,
        meeting,
        "attendance_form",
        form,
        lambda data: services.attendance_record(by=request.user, meeting=meeting, **data),
    )


@login_required
@require_POST
def meeting_decision(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = DecisionForm(request.POST, post=meeting.command_post)

    def record(data: dict[str, Any]) -> Any:
        owner = data.pop("owner")
        return services.decision_record(by=request.user, meeting=meeting, **owner, **data)

    return _changed(request, meeting, "decision_form", form, record)


@login_required
@require_POST
def meeting_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    try:
        services.meeting_close(by=request.user, meeting=meeting)
        messages.success(request, _("Meeting closed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("command:meeting_detail", meeting.pk)


@login_required
@permission_required("command.view_meeting", raise_exception=True)
def meeting_print(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The sheet handed out or filed: agenda, attendance, minutes, decisions with owners, the gathered material."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    return render(request, "command/meeting_print.html", _detail_context(request, meeting))


class MeetingKindForm(ChecklistItemForm):
    usual_time = forms.TimeField(
        label=gettext_lazy("usual time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    material = forms.ChoiceField(
        label=gettext_lazy("material gathered"), choices=MeetingKind.Material.choices, required=False
    )


@login_required
@permission_required("command.view_meeting", raise_exception=True)
def meeting_kind_list(request: AuthedRequest) -> HttpResponse:
    context = {"kinds": MeetingKind.objects.all(), "may_change": may_change_lists(request.user)}
    return render(request, "command/meeting_kind_list.html", context)


@login_required
@permission_required("command.change_meetingkind", raise_exception=True)
def meeting_kind_edit(request: AuthedRequest, entry_id: int = 0) -> HttpResponse:
    """The kinds of meeting and their usual times are the county's to set: only the HQ changes them."""
    if not may_change_lists(request.user):
        raise PermissionDenied(_("Only the HQ changes the kinds of meeting."))
    return list_entry_edit(
        request,
        model=MeetingKind,
        item_id=entry_id,
        done="command:meeting_kind_list",
        template="command/form.html",
        title=str(MeetingKind._meta.verbose_name),
        form_class=MeetingKindForm,
        extra_fields=("usual_time", "material"),
    )


urlpatterns = [
    path("meetings/kinds/", meeting_kind_list, name="meeting_kind_list"),
    path("meetings/kinds/new/", meeting_kind_edit, name="meeting_kind_new"),
    path("meetings/kinds/<int:entry_id>/", meeting_kind_edit, name="meeting_kind_edit"),
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:meeting_id>/decisions/", meeting_decision, name="meeting_decision"),
    path("meetings/<int:meeting_id>/close/", meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/print/", meeting_print, name="meeting_print"),
]
