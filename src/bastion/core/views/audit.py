from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render

from bastion.core import selectors
from bastion.core.forms import AuditFilterForm
from bastion.core.views.helpers import AuthedRequest, paginate, query_without_page


@login_required
@permission_required("core.view_auditevent", raise_exception=True)
def audit_log(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    within = None
    if filters.get("unit"):
        within = selectors.orgunit_get_for_user(request.user, filters["unit"])
    events = selectors.audit_events_for_user(
        request.user,
        actor=filters.get("actor") or "",
        action=filters.get("action") or "",
        object_type=filters.get("object_type") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        within=within,
    )
    return render(
        request,
        "core/audit.html",
        {"form": form, "page": paginate(request, events), "query": query_without_page(request)},
    )
