"""Action item pages (任务, 督办): the list with its Excel export, setting one, its page with progress notes,
claim, verification and reopening; and the weaknesses found and fixed (查找梳理短板)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bastion.command.forms import ActionItemForm, NoteForm, VerificationForm, WeaknessForm
from bastion.command.models import ActionItem, CommandPost, Weakness, WorkingGroup
from bastion.command.selectors import actions as selectors
from bastion.command.selectors.meetings import posts_for_user
from bastion.command.services import actions as services
from bastion.command.services.weaknesses import weakness_record, weakness_verify
from bastion.command.views.common import form_page
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.views.exporting import audit_export


def _items(request: AuthedRequest) -> tuple[Any, dict[str, Any]]:
    filters: dict[str, Any] = {
        "unit": unit_asked_for(request),
        "status": request.GET.get("status", "unfinished" if "status" not in request.GET else "")[:20],
        "group_code": request.GET.get("group", "")[:40],
        "overdue": request.GET.get("overdue") == "1",
        "q": request.GET.get("q", "").strip()[:100],
        "due_from": date_asked(request, "from"),
        "due_to": date_asked(request, "to"),
    }
    return selectors.items_for_user(request.user, **filters), filters


@login_required
@permission_required("command.view_actionitem", raise_exception=True)
def item_list(request: AuthedRequest) -> HttpResponse:
    items, filters = _items(request)
    context = {
        "page": paginate(request, items),
        "query": query_without_page(request),
        "filters": filters,
        "statuses": ActionItem.Status.choices,
        "group_names": _group_names(),
    }
    return render(request, "command/item_list.html", context)


def _group_names() -> list[tuple[str, str]]:
    """The working groups by code, named once whatever the number of posts that have them."""
    seen: dict[str, str] = {}
    for group in WorkingGroup.objects.filter(is_active=True).order_by("sort_order", "code"):
        seen.setdefault(group.code, str(group))
    return list(seen.items())


@login_required
@permission_required("command.view_actionitem", raise_exception=True)
def item_export(request: AuthedRequest) -> HttpResponse:
    items, filters = _items(request)
    header = [
        _("Title"),
        _("Command post"),
        pgettext("source", "From"),
        _("Owner"),
        _("Due"),
        _("Priority"),
        _("Status"),
        _("Times chased"),
        _("Set on"),
    ]
    rows = [
        [
            item.title,
            item.command_post.name,
            item.get_origin_display(),
            str(item.owner or ""),
            item.due_on,
            item.get_priority_display(),
            item.get_status_display(),
            item.chase_count,
            item.created_at.date(),
        ]
        for item in items
    ]
    logged = {name: str(value) for name, value in filters.items() if value and name != "unit"}
    audit_export(request, "action_item.export", "command.actionitem", len(rows), {"unit": filters["unit"], **logged})
    return _xlsx(table_workbook(_("Action items"), header, rows), _dated("action-items"))


def _post_asked(request: AuthedRequest, perm: str) -> CommandPost | None:
    """The command post named by ``post=`` in the query, or the user's only post; None to let them choose."""
    posts = posts_for_user(request.user)
    post_id = request.GET.get("post", "")
    if post_id.isdigit():
        post = get_object_or_404(posts, pk=int(post_id))
    elif posts.count() == 1:
        post = posts.get()
    else:
        return None
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return post


def _post_choice(request: AuthedRequest, title: str) -> HttpResponse:
    posts = posts_for_user(request.user)
    return render(request, "command/post_choice.html", {"posts": posts, "title": title})


@login_required
@permission_required("command.add_actionitem", raise_exception=True)
def item_new(request: AuthedRequest) -> HttpResponse:
    post = _post_asked(request, "command.add_actionitem")
    if post is None:
        return _post_choice(request, _("Set an action item"))
    form = ActionItemForm(request.POST or None, post=post)

    def create(data: dict[str, Any]) -> ActionItem:
        return services.action_item_create(by=request.user, command_post=post, **data.pop("owner"), **data)

    item = form_submit(request, form, create)
    if item is not None:
        messages.success(request, _("Action item set; its owner has been told."))
        return redirect("command:item_detail", item.pk)
    title = _("Set an action item for %(post)s") % {"post": post.name}
    return form_page(request, form, title, cancel=reverse("command:item_list"))


def _item_context(request: AuthedRequest, item: ActionItem, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "item": item,
        "notes": selectors.item_notes(item),
        "note_form": forms.get("note_form") or NoteForm(),
        "may_work": not item.is_finished and user.has_perm("command.change_actionitem"),
        "may_verify": item.status == ActionItem.Status.CLAIMED and user.has_perm("command.verify_actionitem"),
        "may_reopen": item.status in (ActionItem.Status.CLAIMED, ActionItem.Status.VERIFIED)
        and user.has_perm("command.verify_actionitem"),
    }


@login_required
@permission_required("command.view_actionitem", raise_exception=True)
def item_detail(request: AuthedRequest, action_item_id: int) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, action_item_id)
    return render(request, "command/item_detail.html", _item_context(request, item))


def _item_step(request: AuthedRequest, action_item_id: int, step: str) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, action_item_id)
    form = NoteForm(request.POST, request.FILES)
    steps = {
        "progress": lambda data: services.action_item_progress(by=request.user, item=item, **data),
        "claim": lambda data: services.action_item_claim(by=request.user, item=item, **data),
        "verify": lambda data: services.action_item_verify(by=request.user, item=item, text=data["text"]),
        "reopen": lambda data: services.action_item_reopen(by=request.user, item=item, text=data["text"]),
    }
    if form_submit(request, form, steps[step]) is not None:
        messages.success(request, _("Saved."))
        return redirect("command:item_detail", item.pk)
    item.refresh_from_db()
    return render(request, "command/item_detail.html", _item_context(request, item, note_form=form), status=400)


@login_required
@require_POST
def item_progress(request: AuthedRequest, action_item_id: int) -> HttpResponse:
    return _item_step(request, action_item_id, "progress")


@login_required
@require_POST
def item_claim(request: AuthedRequest, action_item_id: int) -> HttpResponse:
    return _item_step(request, action_item_id, "claim")


@login_required
@require_POST
def item_verify(request: AuthedRequest, action_item_id: int) -> HttpResponse:
    return _item_step(request, action_item_id, "verify")


@login_required
@require_POST
def item_reopen(request: AuthedRequest, action_item_id: int) -> HttpResponse:
    return _item_step(request, action_item_id, "reopen")


@login_required
@permission_required("command.view_actionitem", raise_exception=True)
def note_attachment(request: AuthedRequest, note_id: int) -> FileResponse:
    """An attachment, served only to those who may see its item (never a public media URL)."""
    note = selectors.note_get_for_user(request.user, note_id)
    name = note.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(note.attachment.open("rb"), as_attachment=True, filename=name)


@login_required
@permission_required("command.view_weakness", raise_exception=True)
def weakness_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")[:20]
    q = request.GET.get("q", "").strip()[:100]
    weaknesses = selectors.weaknesses_for_user(request.user, unit=unit_asked_for(request), status=status, q=q)
    context = {
        "page": paginate(request, weaknesses),
        "query": query_without_page(request),
        "status": status,
        "q": q,
        "statuses": Weakness.Status.choices,
    }
    return render(request, "command/weakness_list.html", context)


@login_required
@permission_required("command.add_weakness", raise_exception=True)
def weakness_new(request: AuthedRequest) -> HttpResponse:
    post = _post_asked(request, "command.add_weakness")
    if post is None:
        return _post_choice(request, _("Record a weakness"))
    form = WeaknessForm(request.POST or None, post=post)
    weakness = form_submit(request, form, lambda data: weakness_record(by=request.user, command_post=post, **data))
    if weakness is not None:
        return redirect("command:weakness_detail", weakness.pk)
    return form_page(request, form, _("Record a weakness found"), cancel=reverse("command:weakness_list"))


def _weakness_context(weakness: Weakness, **forms: Any) -> dict[str, Any]:
    return {
        "weakness": weakness,
        "items": weakness.action_items.select_related(*selectors.ITEM_RELATED),
        "item_form": forms.get("item_form") or ActionItemForm(post=weakness.command_post),
        "verification_form": forms.get("verification_form") or VerificationForm(),
    }


@login_required
@permission_required("command.view_weakness", raise_exception=True)
def weakness_detail(request: AuthedRequest, weakness_id: int) -> HttpResponse:
    weakness = selectors.weakness_get_for_user(request.user, weakness_id)
    return render(request, "command/weakness_detail.html", _weakness_context(weakness))


@login_required
@require_POST
def weakness_item(request: AuthedRequest, weakness_id: int) -> HttpResponse:
    """A corrective action item for the weakness."""
    weakness = selectors.weakness_get_for_user(request.user, weakness_id)
    form = ActionItemForm(request.POST, post=weakness.command_post)

    def create(data: dict[str, Any]) -> ActionItem:
        return services.action_item_create(
            by=request.user,
            command_post=weakness.command_post,
            origin=ActionItem.Origin.WEAKNESS,
            weakness=weakness,
            **data.pop("owner"),
            **data,
        )

    if form_submit(request, form, create) is not None:
        return redirect("command:weakness_detail", weakness.pk)
    return render(request, "command/weakness_detail.html", _weakness_context(weakness, item_form=form), status=400)


@login_required
@require_POST
def weakness_verify_view(request: AuthedRequest, weakness_id: int) -> HttpResponse:
    weakness = selectors.weakness_get_for_user(request.user, weakness_id)
    form = VerificationForm(request.POST)
    if form_submit(request, form, lambda data: weakness_verify(by=request.user, weakness=weakness, **data)):
        messages.success(request, _("The fix is verified."))
        return redirect("command:weakness_detail", weakness.pk)
    context = _weakness_context(weakness, verification_form=form)
    return render(request, "command/weakness_detail.html", context, status=400)


urlpatterns = [
    path("items/", item_list, name="item_list"),
    path("items/export/", item_export, name="item_export"),
    path("items/new/", item_new, name="item_new"),
    path("items/<int:action_item_id>/", item_detail, name="item_detail"),
    path("items/<int:action_item_id>/progress/", item_progress, name="item_progress"),
    path("items/<int:action_item_id>/claim/", item_claim, name="item_claim"),
    path("items/<int:action_item_id>/verify/", item_verify, name="item_verify"),
    path("items/<int:action_item_id>/reopen/", item_reopen, name="item_reopen"),
    path("notes/<int:note_id>/attachment/", note_attachment, name="note_attachment"),
    path("weaknesses/", weakness_list, name="weakness_list"),
    path("weaknesses/new/", weakness_new, name="weakness_new"),
    path("weaknesses/<int:weakness_id>/", weakness_detail, name="weakness_detail"),
    path("weaknesses/<int:weakness_id>/items/", weakness_item, name="weakness_item"),
    path("weaknesses/<int:weakness_id>/verify/", weakness_verify_view, name="weakness_verify"),
]
