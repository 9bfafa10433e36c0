from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils.dateparse import parse_date

from bastion.core.models import OrgUnit, User
from bastion.core.selectors import orgunit_get_for_user

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination  # a queryset, or rows sliced like one

PAGE_SIZE = 50
T = TypeVar("T")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form fields they name."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def form_submit(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Hand a posted, valid form to its service; None (with the errors on the form) otherwise."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def unit_asked_for(request: HttpRequest, data: QueryDict | None = None) -> OrgUnit | None:
    """The unit a page is asked about (``unit=`` in the query, or in ``data``); outside the scope it is not
    found; None when none is asked for."""
    unit_id = (request.GET if data is None else data).get("unit", "")
    return orgunit_get_for_user(request.user, int(unit_id)) if unit_id.isdigit() else None  # type: ignore[arg-type]


def paginate(
    request: HttpRequest, items: _SupportsPagination[Any], per_page: int = PAGE_SIZE, *, count: int | None = None
) -> Page[Any]:
    """The page asked for; ``count``, when the caller has a cheaper way to it than counting ``items``."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: counting ``items`` is skipped
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a signed-in Bastion user."""

    user: User


def date_asked(request: HttpRequest, name: str) -> dt.date | None:
    """The date in the query's ``name`` (YYYY-MM-DD); None when missing or not a real day (2020-02-30)."""
    try:
        return parse_date(request.GET.get(name, ""))
    except ValueError:
        return None
