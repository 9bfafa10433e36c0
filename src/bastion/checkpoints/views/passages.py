"""Passages (进出人员登记): the duty officer's form on a phone, counting taps, the list and a passage's page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bastion.checkpoints import selectors
from bastion.checkpoints.forms import PassageFieldForm, PassageForm, add_passage_fields, split_extra
from bastion.checkpoints.models import Passage, PassageField, Post
from bastion.checkpoints.services.passages import (
    extra_shown,
    passage_count,
    passage_field_save,
    passage_fields,
    passage_record,
)
from bastion.core.crypto import keyed_hash, mask, mask_name
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import table_workbook
from bastion.observation.views.exporting import EXPORT, audit_export
from bastion.reporting.services.immediate import command_unit_of
from bastion.residents.selectors import persons_for_user
from bastion.residents.services.settings import may_change_lists
from bastion.residents.validation import plain

REASONS = {
    "risk_area": gettext_lazy("from a risk area"),
    "fever": gettext_lazy("fever"),
    "arrival": gettext_lazy("arrival to verify"),
}


def reason_labels(passage: Passage) -> str:
    return ", ".join(str(REASONS.get(code, code)) for code in passage.exception_reasons)


def destinations(post: Post) -> QuerySet[OrgUnit]:
    """Active units below the post's county, in tree order."""
    county = command_unit_of(post.org_unit)
    low, high = county.subtree_bounds
    units = OrgUnit.objects.filter(is_active=True, path__gt=low, path__lt=high).select_related("parent")
    return units.order_by("path")


def _taps_today(post: Post) -> dict[str, int]:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    taps = Passage.objects.filter(post=post, counted_only=True, at__gte=start, at__lt=start + dt.timedelta(days=1))
    return {
        "in": taps.filter(direction=Passage.Direction.IN).count(),
        "out": taps.filter(direction=Passage.Direction.OUT).count(),
    }


def _done_message(passage: Passage) -> str:
    message = _("Registered %(name)s. Confirmation code %(code)s.") % {
        "name": passage.masked_name,
        "code": passage.confirmation_code,
    }
    arrival = getattr(passage, "arrival", None)
    if arrival is not None:
        message += " " + _("Handed to %(unit)s to verify.") % {"unit": arrival.org_unit.display_name}
    return message


@login_required
@permission_required("checkpoints.add_passage", raise_exception=True)
def passage_new(request: AuthedRequest, post_id: int) -> HttpResponse:
    """One person passing; on success an empty form for the next one, the code of the last in the message."""
    post = selectors.post_get_for_user(request.user, post_id)
    form = PassageForm(
        request.POST or None,
        units=destinations(post),
        initial={"direction": Passage.Direction.IN, "idempotency_key": uuid.uuid4()},
    )
    add_passage_fields(form, passage_fields())
    form.fields["id_number"].widget.attrs |= {
        "hx-post": reverse("checkpoints:passage_lookup", kwargs={"post_id": post.pk}),
        "hx-trigger": "change, keyup changed delay:400ms",
        "hx-target": "#lookup",
        "hx-swap": "innerHTML",
    }

    def save(data: dict[str, Any]) -> Passage:
        return passage_record(by=request.user, post=post, **split_extra(data))

    passage = form_submit(request, form, save)
    if passage is not None:
        messages.success(request, _done_message(passage))
        return redirect("checkpoints:passage_new", post_id=post.pk)
    counting = post.mode == Post.Mode.EXCEPTIONS
    return render(
        request,
        "checkpoints/passage_form.html",
        {"form": form, "post": post, "counting": counting, "taps": _taps_today(post) if counting else None},
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required("checkpoints.add_passage", raise_exception=True)
@require_POST
def passage_lookup(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Someone seen before: the masked name and phone from the register, for the ID number posted (never in a URL)."""
    selectors.post_get_for_user(request.user, post_id)
    number = plain(request.POST.get("id_number", "")).replace(" ", "")
    person = None
    if len(number) == 18:
        person = persons_for_user(request.user).filter(id_hash=keyed_hash(number)).first()
    return render(
        request,
        "checkpoints/_lookup.html",
        {
            "person": person,
            "name": mask_name(person.name) if person else "",
            "phone": mask(person.phone, keep_start=3, keep_end=4) if person and person.phone else "",
        },
    )


@login_required
@permission_required("checkpoints.add_passage", raise_exception=True)
@require_POST
def passage_count_tap(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Counting mode: one tap, one person in or out, no personal data."""
    post = selectors.post_get_for_user(request.user, post_id)
    try:
        passage_count(by=request.user, post=post, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.headers.get("HX-Request"):
        return render(request, "checkpoints/_taps.html", {"post": post, "taps": _taps_today(post)})
    return redirect("checkpoints:passage_new", post_id=post.pk)


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filters(request: AuthedRequest) -> dict[str, Any]:
    post_id = request.GET.get("post", "")
    return {
        "unit": unit_asked_for(request),
        "post": selectors.post_get_for_user(request.user, int(post_id)) if post_id.isdigit() else None,
        "day": _day(request.GET.get("day", "")),
        "direction": request.GET.get("direction", ""),
        "exceptions_only": request.GET.get("exceptions") == "1",
        "q": request.GET.get("q", "").strip(),
    }


@login_required
@permission_required("checkpoints.view_passage", raise_exception=True)
def passage_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    passages = selectors.passages_for_user(request.user, **filters)
    if request.GET.get("format") == "xlsx":
        return _passages_export(request, passages, filters)
    page = paginate(request, passages)
    return render(
        request,
        "checkpoints/passage_list.html",
        {
            "page": page,
            "rows": [(passage, reason_labels(passage)) for passage in page],
            "query": query_without_page(request),
            **filters,
            "day_text": request.GET.get("day", ""),
            "directions": Passage.Direction.choices,
            "posts": selectors.posts_for_user(request.user),
        },
    )


def _passages_export(request: AuthedRequest, passages: QuerySet[Passage], filters: dict[str, Any]) -> HttpResponse:
    """Names leave the system: the personal-data export permission and an audit event; numbers stay masked."""
    if not request.user.has_perm(EXPORT):
        raise PermissionDenied
    logged = {**filters, "post": filters["post"].pk if filters["post"] else None}
    logged["day"] = f"{filters['day']:%Y-%m-%d}" if filters["day"] else None
    audit_export(request, "passage.export", "checkpoints.passage", passages.count(), logged)
    fields = list(PassageField.objects.all())  # inactive ones too: passages of the past hold them
    header = [
        _("Time"),
        _("Checkpoint"),
        _("Direction"),
        _("Full name"),
        _("ID number"),
        _("Phone"),
        _("Vehicle plate"),
        _("Coming from"),
        _("Going to"),
        _("Purpose"),
        _("Temperature (°C)"),
        *(str(field) for field in fields),
        _("Exception"),
        _("Verification"),
        _("Self-registered"),
        _("Confirmation code"),
    ]
    rows = (
        [
            f"{timezone.localtime(p.at):%Y-%m-%d %H:%M}",
            p.post.name,
            p.get_direction_display(),
            p.name,
            p.masked_id_number,
            p.masked_phone,
            p.plate,
            " ".join(part for part in (p.from_region, p.from_division_code) if part),
            p.to_unit.display_name if p.to_unit else p.to_outside,
            p.purpose,
            float(p.temperature) if p.temperature is not None else None,
            *(_extra_cell(p, field) for field in fields),
            reason_labels(p),
            _arrival_result(p),
            _("yes") if p.self_registered else "",
            p.confirmation_code,
        ]
        for p in passages.iterator(chunk_size=2000)
    )
    return _xlsx(table_workbook(_("Passages"), header, rows), _dated("passages"))


def _extra_cell(passage: Passage, field: PassageField) -> str | float | None:
    value = passage.extra.get(field.code)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.kind == PassageField.Kind.NUMBER:
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _arrival_result(passage: Passage) -> str:
    arrival = getattr(passage, "arrival", None)
    return arrival.get_result_display() if arrival is not None else ""


@login_required
@permission_required("checkpoints.view_passage", raise_exception=True)
def passage_detail(request: AuthedRequest, passage_id: int) -> HttpResponse:
    passage = selectors.passage_get_for_user(request.user, passage_id)
    return render(
        request,
        "checkpoints/passage_detail.html",
        {
            "passage": passage,
            "arrival": getattr(passage, "arrival", None),
            "reasons": reason_labels(passage),
            "extra": extra_shown(passage, list(PassageField.objects.all())) if passage.extra else [],
        },
    )


@login_required
@permission_required("checkpoints.view_passagefield", raise_exception=True)
def passage_field_list(request: AuthedRequest) -> HttpResponse:
    """The other fields asked for at every passage, configured per outbreak."""
    return render(
        request,
        "checkpoints/passage_fields.html",
        {"fields": PassageField.objects.all(), "may_change": may_change_lists(request.user)},
    )


@login_required
@permission_required("checkpoints.view_passagefield", raise_exception=True)
def passage_field_edit(request: AuthedRequest, item_id: int = 0) -> HttpResponse:
    """Add or change an other field (a configurable list: only a user whose scope holds the top of the tree)."""
    if not may_change_lists(request.user):
        raise PermissionDenied
    field = get_object_or_404(PassageField, pk=item_id) if item_id else None
    initial: dict[str, Any] = {"kind": PassageField.Kind.TEXT}
    if field is not None:
        initial = {"code": field.code, "sort_order": field.sort_order, "is_active": field.is_active}
        initial |= {"name_zh_hans": field.names.get("zh-hans", ""), "name_en": field.names.get("en", "")}
        initial |= {"kind": field.kind, "required": field.required}
    form = PassageFieldForm(request.POST or None, editing=field is not None, initial=initial)

    def save(data: dict[str, Any]) -> PassageField:
        return passage_field_save(
            by=request.user,
            field=field,
            code=data.get("code") or (field.code if field else ""),
            names={"zh-hans": data["name_zh_hans"], "en": data["name_en"]},
            kind=data["kind"],
            required=data["required"],
            sort_order=data["sort_order"],
            is_active=data["is_active"],
        )

    if form_submit(request, form, save) is not None:
        messages.success(request, _("Saved."))
        return redirect("checkpoints:passage_field_list")
    title = str(field) if field else _("New other field")
    return render(request, "checkpoints/passage_field_form.html", {"form": form, "title": title})


urlpatterns = [
    path("passages/", passage_list, name="passage_list"),
    path("passages/<int:passage_id>/", passage_detail, name="passage_detail"),
    path("<int:post_id>/register/", passage_new, name="passage_new"),
    path("<int:post_id>/register/lookup/", passage_lookup, name="passage_lookup"),
    path("<int:post_id>/count/", passage_count_tap, name="passage_count_tap"),
    path("passage-fields/", passage_field_list, name="passage_field_list"),
    path("passage-fields/new/", passage_field_edit, name="passage_field_new"),
    path("passage-fields/<int:item_id>/", passage_field_edit, name="passage_field_edit"),
]
