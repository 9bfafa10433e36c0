from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from bastion.core import selectors
from bastion.core.extensions import HOME_SECTIONS
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    roots = list(selectors.orgunit_roots_for_user(request.user))
    summaries = []
    for root in roots[:5]:
        counts = selectors.orgunit_subtree_counts(root, active_only=True)
        summaries.append((root, [(label, counts[value]) for value, label in OrgUnit.Kind.choices if counts.get(value)]))
    due = []
    if request.user.has_perm("reporting.view_reportform"):
        from bastion.reporting.selectors import due_reports_for_user
        from bastion.reporting.services.common import local_today

        due = due_reports_for_user(request.user, local_today())
    context = {
        "summaries": summaries,
        "more_roots": len(roots) > 5,
        "due": due,
        "sections": [section(request.user) for section in HOME_SECTIONS],
    }
    return render(request, "core/home.html", context)
