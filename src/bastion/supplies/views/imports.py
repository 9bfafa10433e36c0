"""The opening stock count from Excel: download the template, upload, see every bad row or the count stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from bastion.core.imports import RowError
from bastion.core.views.helpers import AuthedRequest
from bastion.core.views.transfer import ImportForm, _xlsx
from bastion.supplies.imports import check_opening, opening_import, opening_template


@login_required
@permission_required("supplies.adjust_stock", raise_exception=True)
def opening_template_download(request: AuthedRequest) -> HttpResponse:
    return _xlsx(opening_template(), "opening-stock-template.xlsx")


@login_required
@permission_required("supplies.adjust_stock", raise_exception=True)
def opening_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        rows, errors = check_opening(form.cleaned_data["file"].read(), by=request.user)
        if not errors:
            try:
                count = opening_import(rows, by=request.user)
            except ValidationError as exc:
                errors = [{"row": None, "field": "", "message": m} for m in exc.messages]
            else:
                messages.success(request, _("%(count)s rows of opening stock stored.") % {"count": count})
                return redirect("supplies:stock")
    status = 400 if errors or form.errors else 200
    return render(request, "supplies/import.html", {"form": form, "errors": errors}, status=status)


urlpatterns = [
    path("import/", opening_upload, name="opening_import"),
    path("import/template.xlsx", opening_template_download, name="opening_template"),
]
