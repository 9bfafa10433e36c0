"""Pages of the command structure: the posts, a post with its members, groups and liaisons, and a unit's
"who to call"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.command.forms_structure import CommandPostForm, EndForm, LiaisonForm, MemberForm, WorkingGroupForm
from bastion.command.models import CommandPost, WorkingGroup
from bastion.command.selectors import structure as selectors
from bastion.command.services import structure as services
from bastion.command.views.common import form_page
from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.views.exporting import EXPORT, audit_export

VIEW = "command.view_commandpost"


def _done(request: AuthedRequest, action: Callable[[], object], success: str) -> None:
    """A one-tap action: its refusal or ``success`` goes to the messages."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


def _to_post(command_post_id: int) -> HttpResponse:
    return redirect("command:post_detail", command_post_id=command_post_id)


# --- Posts ------------------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def post_list(request: AuthedRequest) -> HttpResponse:
    unit, q = unit_asked_for(request), request.GET.get("q", "").strip()[:100]
    posts = selectors.posts_for_user(request.user, unit=unit, q=q)
    context = {
        "page": paginate(request, posts),
        "query": query_without_page(request),
        "unit": unit,
        "q": q,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
    }
    return render(request, "command/structure/post_list.html", context)


def _post_form(request: AuthedRequest, command_post: CommandPost | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if command_post is not None:
        fields = ("name", "leading_group_name", "duty_phone", "address")
        initial = {name: getattr(command_post, name) for name in fields}
    elif (unit := unit_asked_for(request)) is not None:
        initial = {"org_unit": unit, "name": _("%(unit)s epidemic command post") % {"unit": unit.name}}
    units = (
        None
        if command_post is not None
        else core_selectors.orgunit_choices_for_user(request.user).filter(kind__in=selectors.POST_KINDS)
    )
    form = CommandPostForm(request.POST or None, units=units, initial=initial)
    if command_post is None:
        saved = form_submit(request, form, lambda data: services.command_post_create(by=request.user, **data))
    else:
        saved = form_submit(
            request, form, lambda data: services.command_post_update(by=request.user, command_post=command_post, **data)
        )
    if saved is not None:
        messages.success(request, _("The command post %(name)s is saved.") % {"name": saved.name})
        return _to_post(saved.pk)
    if command_post is None:
        return form_page(
            request,
            form,
            _("New command post"),
            cancel=reverse("command:post_list"),
            help_text=_("The post starts with the eight working groups of the county report; change them after."),
        )
    return form_page(
        request,
        form,
        _("Change %(post)s") % {"post": command_post.name},
        cancel=reverse("command:post_detail", args=[command_post.pk]),
    )


@login_required
@permission_required("command.add_commandpost", raise_exception=True)
def post_new(request: AuthedRequest) -> HttpResponse:
    return _post_form(request, None)


@login_required
@permission_required("command.change_commandpost", raise_exception=True)
def post_edit(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    return _post_form(request, selectors.post_get_for_user(request.user, command_post_id))


@login_required
@permission_required(VIEW, raise_exception=True)
def post_detail(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    """The post: its members, current and past (phones masked), its working groups, its liaisons."""
    command_post = selectors.post_get_for_user(request.user, command_post_id)
    members = list(selectors.members_of(command_post))
    liaisons = list(selectors.liaisons_of(command_post))
    context = {
        "post": command_post,
        "current": [m for m in members if selectors.is_current(m)],
        "past": [m for m in members if not selectors.is_current(m)],
        "groups": selectors.groups_of(command_post),
        "liaisons": [item for item in liaisons if selectors.is_current(item)],
        "past_liaisons": [item for item in liaisons if not selectors.is_current(item)],
        "end_form": EndForm(),
    }
    return render(request, "command/structure/post_detail.html", context)


@login_required
@permission_required([VIEW, "command.view_postmember", EXPORT], raise_exception=True)
def member_export(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    """The roster of the leading group and the command post, past members included, as an Excel sheet."""
    command_post = selectors.post_get_for_user(request.user, command_post_id)
    members = list(selectors.members_of(command_post))
    audit_export(request, "command.member_export", "command.postmember", len(members), {"unit": command_post.org_unit})
    header = [_("Full name"), _("Position"), _("Post held"), _("Phone"), _("From"), _("To")]
    rows = ([m.name, m.get_position_display(), m.title, m.phone, m.starts_on, m.ends_on or ""] for m in members)
    return _xlsx(table_workbook(command_post.name, header, rows), _dated(f"command-post-{command_post.pk}"))


# --- Members ----------------------------------------------------------------------------------------------------


@login_required
@permission_required("command.add_postmember", raise_exception=True)
def member_new(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    command_post = selectors.post_get_for_user(request.user, command_post_id)
    form = MemberForm(request.POST or None, accounts=selectors.account_choices(command_post))
    saved = form_submit(
        request, form, lambda data: services.post_member_add(by=request.user, command_post=command_post, **data)
    )
    if saved is not None:
        messages.success(request, _("%(name)s joined %(post)s.") % {"name": saved.name, "post": command_post.name})
        return _to_post(command_post.pk)
    return form_page(
        request,
        form,
        _("New member of %(post)s") % {"post": command_post.name},
        cancel=reverse("command:post_detail", args=[command_post.pk]),
        help_text=_("A replacement is a new member: first mark the person replaced as having left."),
    )


@login_required
@permission_required("command.change_postmember", raise_exception=True)
@require_POST
def member_end(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get_for_user(request.user, member_id)
    form = EndForm(request.POST)
    ends_on = form.cleaned_data["ends_on"] if form.is_valid() else None
    _done(
        request,
        lambda: services.post_member_end(by=request.user, member=member, ends_on=ends_on),
        _("%(name)s has left %(post)s.") % {"name": member.name, "post": member.command_post.name},
    )
    return _to_post(member.command_post_id)


# --- Working groups ---------------------------------------------------------------------------------------------


def _group_initial(group: WorkingGroup) -> dict[str, Any]:
    return {
        "name_zh": group.names.get("zh-hans", ""),
        "name_en": group.names.get("en", ""),
        "duties": group.duties,
        "areas": group.areas,
        "lead": group.lead_id,
        "members": [m.pk for m in group.members.all()],
        "is_active": group.is_active,
    }


@login_required
@permission_required("command.add_workinggroup", raise_exception=True)
def group_new(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    command_post = selectors.post_get_for_user(request.user, command_post_id)
    form = WorkingGroupForm(request.POST or None, members=selectors.current_members_of(command_post), new=True)
    saved = form_submit(
        request,
        form,
        lambda data: services.working_group_create(by=request.user, command_post=command_post, **data),
    )
    if saved is not None:
        messages.success(request, _("The working group %(name)s is saved.") % {"name": saved})
        return _to_post(command_post.pk)
    return form_page(
        request,
        form,
        _("New working group of %(post)s") % {"post": command_post.name},
        cancel=reverse("command:post_detail", args=[command_post.pk]),
    )


@login_required
@permission_required("command.change_workinggroup", raise_exception=True)
def group_edit(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_user(request.user, group_id)
    command_post = group.command_post
    form = WorkingGroupForm(
        request.POST or None, members=selectors.current_members_of(command_post), initial=_group_initial(group)
    )
    saved = form_submit(request, form, lambda data: services.working_group_update(by=request.user, group=group, **data))
    if saved is not None:
        messages.success(request, _("The working group %(name)s is saved.") % {"name": saved})
        return _to_post(command_post.pk)
    return form_page(
        request,
        form,
        _("Working group %(name)s") % {"name": group},
        cancel=reverse("command:post_detail", args=[command_post.pk]),
        help_text=_("The lead and the members are chosen among the post's current members."),
    )


# --- Liaisons ---------------------------------------------------------------------------------------------------


@login_required
@permission_required("command.add_liaison", raise_exception=True)
def liaison_new(request: AuthedRequest, command_post_id: int) -> HttpResponse:
    command_post = selectors.post_get_for_user(request.user, command_post_id)
    initial: dict[str, Any] = {}
    if (unit := unit_asked_for(request)) is not None:
        initial["unit"] = unit
    form = LiaisonForm(
        request.POST or None,
        units=selectors.liaison_unit_choices(request.user, command_post),
        institutions=selectors.liaison_institution_choices(request.user, command_post),
        members=selectors.current_members_of(command_post),
        initial=initial,
    )
    saved = form_submit(
        request, form, lambda data: services.liaison_create(by=request.user, command_post=command_post, **data)
    )
    if saved is not None:
        messages.success(request, _("%(pair)s: the liaison is saved.") % {"pair": saved.counterpart})
        return _to_post(command_post.pk)
    return form_page(
        request,
        form,
        _("New liaison of %(post)s") % {"post": command_post.name},
        cancel=reverse("command:post_detail", args=[command_post.pk]),
        help_text=_(
            "One person at the post, one in the unit or institution (一对一、点对点). "
            "A new liaison for the same unit replaces the current one, which is kept in the history."
        ),
    )


@login_required
@permission_required("command.change_liaison", raise_exception=True)
@require_POST
def liaison_end(request: AuthedRequest, liaison_id: int) -> HttpResponse:
    liaison = selectors.liaison_get_for_user(request.user, liaison_id)
    form = EndForm(request.POST)
    ends_on = form.cleaned_data["ends_on"] if form.is_valid() else None
    _done(
        request,
        lambda: services.liaison_end(by=request.user, liaison=liaison, ends_on=ends_on),
        _("The liaison with %(pair)s has ended.") % {"pair": liaison.counterpart},
    )
    return _to_post(liaison.command_post_id)


# --- Who to call ------------------------------------------------------------------------------------------------


def _contacts_page(request: AuthedRequest, unit: OrgUnit) -> HttpResponse:
    context = {"unit": unit, "contacts": selectors.contacts_for_unit(unit)}
    return render(request, "command/structure/contacts.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def contacts(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Whom the unit calls, numbers in full as tel: links: its post, its liaisons, its leaders, the posts above."""
    return _contacts_page(request, core_selectors.orgunit_get_for_user(request.user, unit_id))


@login_required
@permission_required(VIEW, raise_exception=True)
def contacts_mine(request: AuthedRequest) -> HttpResponse:
    """The "who to call" page of the user's first scope unit (shown here rather than redirected to, so the page
    answers in one request)."""
    unit = selectors.home_unit_for_user(request.user)
    if unit is None:
        raise PermissionDenied(_("Your account has no unit."))
    return _contacts_page(request, unit)


urlpatterns: list[URLPattern] = [
    path("posts/", post_list, name="post_list"),
    path("posts/new/", post_new, name="post_new"),
    path("posts/<int:command_post_id>/", post_detail, name="post_detail"),
    path("posts/<int:command_post_id>/edit/", post_edit, name="post_edit"),
    path("posts/<int:command_post_id>/members.xlsx", member_export, name="member_export"),
    path("posts/<int:command_post_id>/members/new/", member_new, name="member_new"),
    path("members/<int:member_id>/end/", member_end, name="member_end"),
    path("posts/<int:command_post_id>/groups/new/", group_new, name="group_new"),
    path("groups/<int:group_id>/", group_edit, name="group_edit"),
    path("posts/<int:command_post_id>/liaisons/new/", liaison_new, name="liaison_new"),
    path("liaisons/<int:liaison_id>/end/", liaison_end, name="liaison_end"),
    path("units/<int:unit_id>/contacts/", contacts, name="contacts"),
    path("contacts/", contacts_mine, name="contacts_mine"),
]
