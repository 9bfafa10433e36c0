"""A ten-household group or building (十户, 楼栋): its households and its head (十户长, 楼栋长)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bastion.core import selectors as core_selectors
from bastion.core.views.helpers import AuthedRequest, form_submit
from bastion.residents import selectors
from bastion.residents.models import GroupHead, Person
from bastion.residents.services.persons import group_head_set


class GroupHeadForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("group head"), queryset=Person.objects.none())


@login_required
@permission_required("residents.view_household", raise_exception=True)
def group_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = core_selectors.orgunit_get_for_user(request.user, unit_id)
    residents = selectors.person_search(request.user, unit=unit).order_by("address", "name")
    head = GroupHead.objects.filter(org_unit=unit).select_related("person").first()
    form = GroupHeadForm(request.POST or None, initial={"person": head.person if head else None})
    form.fields["person"].queryset = residents  # type: ignore[attr-defined]
    if request.method == "POST":
        if not request.user.has_perm("residents.change_household"):
            raise PermissionDenied
        if form_submit(request, form, lambda data: group_head_set(by=request.user, org_unit=unit, **data)):
            messages.success(request, _("Saved."))
            return redirect("residents:group_detail", unit_id=unit.pk)
    return render(
        request,
        "residents/group_detail.html",
        {
            "unit": unit,
            "head": head,
            "households": selectors.households_for_user(request.user, unit),
            "form": form,
            "has_head": unit.kind in ("ten_household", "building"),
        },
    )
