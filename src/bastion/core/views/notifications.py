"""The notification centre, and the group-robot webhooks of a unit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from bastion.core import selectors
from bastion.core.models import UnitWebhook
from bastion.core.services import notifications as services
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page


class WebhookForm(forms.Form):
    flavour = forms.ChoiceField(label=gettext_lazy("kind"), choices=UnitWebhook.Flavour.choices)
    label = forms.CharField(label=gettext_lazy("name"), max_length=60)
    url = forms.CharField(
        label=gettext_lazy("webhook address"),
        max_length=500,
        help_text=gettext_lazy("copied from the group robot's settings; it is stored encrypted"),
    )


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    items = selectors.notifications_for_user(request.user, unread_only=unread_only)
    return render(
        request,
        "core/notifications.html",
        {"page": paginate(request, items), "query": query_without_page(request), "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and follow its link."""
    notification = selectors.notification_get_for_user(request.user, notification_id)
    services.notifications_mark_read(by=request.user, notification_ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_read(by=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return redirect("core:notifications")


@login_required
@permission_required("core.view_unitwebhook", raise_exception=True)
def unit_webhooks(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = selectors.orgunit_get_for_user(request.user, unit_id)
    form = WebhookForm(request.POST or None)
    hook = form_submit(request, form, lambda data: services.webhook_create(by=request.user, org_unit=unit, **data))
    if hook is not None:
        messages.success(request, _("Webhook %(name)s added. Send a test message to check it.") % {"name": hook.label})
        return redirect("core:unit_webhooks", unit_id=unit.pk)
    return render(request, "core/webhooks.html", {"unit": unit, "webhooks": unit.webhooks.all(), "form": form})


@login_required
@permission_required("core.change_unitwebhook", raise_exception=True)
@require_POST
def webhook_test(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    hook = selectors.webhook_get_for_user(request.user, webhook_id)
    status = services.webhook_test(by=request.user, webhook=hook)
    level = messages.success if status.startswith("HTTP 2") else messages.error
    level(request, _("The robot answered: %(status)s") % {"status": status})
    return redirect("core:unit_webhooks", unit_id=hook.org_unit_id)


@login_required
@permission_required("core.delete_unitwebhook", raise_exception=True)
@require_POST
def webhook_delete(request: AuthedRequest, webhook_id: int) -> HttpResponse:
    hook = selectors.webhook_get_for_user(request.user, webhook_id)
    services.webhook_delete(by=request.user, webhook=hook)
    messages.success(request, _("Webhook removed."))
    return redirect("core:unit_webhooks", unit_id=hook.org_unit_id)
