"""Check-in with the unit's QR code: the public form a responder opens by scanning, and the poster."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from bastion.core.models import OrgUnit
from bastion.core.pdf import qr_drawing, styles, text
from bastion.core.selectors import orgunit_get_for_user
from bastion.core.services.audit import audit_record
from bastion.core.views.helpers import AuthedRequest
from bastion.mobilization.forms import CheckInForm
from bastion.mobilization.services.checkin import qr_check_in, unit_from_token, unit_token


@never_cache
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the responder gives the phone number of the register; the unit comes from the signed code."""
    try:
        unit = unit_from_token(token)
    except ValidationError as refused:
        return render(request, "mobilization/check_in.html", {"refusal": " ".join(refused.messages)}, status=404)
    form = CheckInForm(request.POST or None)
    context: dict[str, Any] = {"unit": unit, "form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            done = qr_check_in(
                unit=unit,
                phone=form.cleaned_data["phone"],
                source=request.META.get("REMOTE_ADDR", ""),
                check_out="check_out" in request.POST,
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for field, errors in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
            status = 400
        else:
            context["done"] = done
    elif request.method == "POST":
        status = 400
    return render(request, "mobilization/check_in.html", context, status=status)


def check_in_poster_pdf(unit: OrgUnit, url: str) -> bytes:
    look = styles()
    title = ParagraphStyle("checkin-title", parent=look.title, fontSize=26, leading=34, spaceAfter=4 * mm)
    body = ParagraphStyle("checkin-body", parent=look.body, fontSize=14, leading=21, alignment=1)
    story: list[Any] = [
        Paragraph(text(unit.display_name), title),
        Paragraph(text(_("Responders: scan to report or to check in for your shift")), body),
        qr_drawing(url, 110 * mm),
        Paragraph(text(_("Give the phone number you are registered with.")), body),
        Paragraph(text(url), look.small),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=unit.display_name, author="Bastion", topMargin=20 * mm).build(story)
    return buffer.getvalue()


@login_required
@permission_required("mobilization.view_batch", raise_exception=True)
def check_in_poster(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = orgunit_get_for_user(request.user, unit_id)
    url = request.build_absolute_uri(reverse("mobilization:check_in", kwargs={"token": unit_token(unit)}))
    pdf = check_in_poster_pdf(unit, url)
    audit_record(by=request.user, action="mobilization.check_in_poster", obj=unit, org_unit=unit)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="check-in-{unit.pk}.pdf"'
    return response


urlpatterns = [
    path("c/<str:token>/", check_in, name="check_in"),
    path("units/<int:unit_id>/check-in.pdf", check_in_poster, name="check_in_poster"),
]
