from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from bastion.core.models import User

PAGE_SIZE = 50


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form fields they name."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a signed-in Bastion user."""

    user: User
