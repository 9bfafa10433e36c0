"""Arrivals to verify (闭环): the village's list on a phone, and the verification; the township and HQ see the
overdue ones with ``state=overdue``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.checkpoints import selectors
from bastion.checkpoints.forms import ArrivalVerifyForm
from bastion.checkpoints.models import Arrival
from bastion.checkpoints.services.arrivals import arrival_verify as verify
from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for

STATES = [
    ("pending", gettext_lazy("To verify")),
    ("overdue", gettext_lazy("Overdue")),
    ("verified", gettext_lazy("Verified")),
    ("all", gettext_lazy("All")),
]


@login_required
@permission_required("checkpoints.view_arrival", raise_exception=True)
def arrival_list(request: AuthedRequest) -> HttpResponse:
    unit = unit_asked_for(request)
    state = request.GET.get("state", "pending")
    if state not in dict(STATES):
        state = "pending"
    now = timezone.now()
    arrivals = selectors.arrivals_for_user(request.user, unit=unit, state=state, now=now)
    page = paginate(request, arrivals)
    return render(
        request,
        "checkpoints/arrival_list.html",
        {
            "page": page,
            "rows": [(arrival, arrival.result == Arrival.Result.PENDING and arrival.due_at < now) for arrival in page],
            "query": query_without_page(request),
            "state": state,
            "states": STATES,
            "unit": unit,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        },
    )


@login_required
@permission_required("checkpoints.change_arrival", raise_exception=True)
def arrival_verify(request: AuthedRequest, arrival_id: int) -> HttpResponse:
    """The passage (name, masked phone, from, when, post, deadline) and the result of the visit."""
    arrival = selectors.arrival_get_for_user(request.user, arrival_id)
    form = ArrivalVerifyForm(request.POST or None)
    done = form_submit(request, form, lambda data: verify(by=request.user, arrival=arrival, **data))
    if done is not None:
        messages.success(
            request,
            _("%(name)s: %(result)s.") % {"name": arrival.passage.masked_name, "result": done.get_result_display()},
        )
        return redirect("checkpoints:arrival_list")
    return render(
        request,
        "checkpoints/arrival_verify.html",
        {"arrival": arrival, "passage": arrival.passage, "form": form, "overdue": arrival.is_overdue},
        status=400 if form.is_bound else 200,
    )


urlpatterns = [
    path("arrivals/", arrival_list, name="arrival_list"),
    path("arrivals/<int:arrival_id>/", arrival_verify, name="arrival_verify"),
]
