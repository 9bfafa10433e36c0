"""The outreach channels and target groups: listed for all who see outreach, changed by the HQ."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from bastion.core.views.helpers import AuthedRequest
from bastion.outreach.models import Channel, TargetGroup
from bastion.residents.services.settings import may_change_lists
from bastion.residents.views.settings import list_entry_edit


def _list(request: AuthedRequest, model: type[Channel] | type[TargetGroup], name: str) -> HttpResponse:
    context = {
        "entries": model._default_manager.all(),
        "may_change": may_change_lists(request.user),
        "title": str(model._meta.verbose_name_plural).capitalize(),
        "new_url": f"outreach:{name}_new",
        "edit_url": f"outreach:{name}_edit",
        "add_perm": request.user.has_perm(f"outreach.add_{model._meta.model_name}"),
    }
    return render(request, "outreach/settings/list.html", context)


def _edit(request: AuthedRequest, model: type[Channel] | type[TargetGroup], name: str, entry_id: int) -> HttpResponse:
    if not may_change_lists(request.user):
        raise PermissionDenied(_("Only the HQ changes this list."))
    return list_entry_edit(
        request,
        model=model,
        item_id=entry_id,
        done=f"outreach:{name}_list",
        template="outreach/form.html",
        title=str(model._meta.verbose_name).capitalize(),
    )


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def channel_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, Channel, "channel")


@login_required
@permission_required("outreach.change_channel", raise_exception=True)
def channel_edit(request: AuthedRequest, entry_id: int = 0) -> HttpResponse:
    return _edit(request, Channel, "channel", entry_id)


@login_required
@permission_required("outreach.view_activity", raise_exception=True)
def target_group_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, TargetGroup, "target_group")


@login_required
@permission_required("outreach.change_targetgroup", raise_exception=True)
def target_group_edit(request: AuthedRequest, entry_id: int = 0) -> HttpResponse:
    return _edit(request, TargetGroup, "target_group", entry_id)


urlpatterns: list[URLPattern] = [
    path("settings/channels/", channel_list, name="channel_list"),
    path("settings/channels/new/", channel_edit, name="channel_new"),
    path("settings/channels/<int:entry_id>/", channel_edit, name="channel_edit"),
    path("settings/target-groups/", target_group_list, name="target_group_list"),
    path("settings/target-groups/new/", target_group_edit, name="target_group_new"),
    path("settings/target-groups/<int:entry_id>/", target_group_edit, name="target_group_edit"),
]
