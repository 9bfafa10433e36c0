"""Helpers of the supplies pages: the list filters, the downloads and a generic form page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from bastion.core.views.helpers import AuthedRequest, unit_asked_for


def filters(request: AuthedRequest, *names: str) -> dict[str, Any]:
    """The list's filters from the query string; ``unit`` outside the scope is not found."""
    values: dict[str, Any] = {"unit": unit_asked_for(request), "q": request.GET.get("q", "").strip()[:100]}
    for name in names:
        values[name] = request.GET.get(name, "").strip()[:40]
    return values


def form_page(
    request: AuthedRequest, form: forms.Form, title: str, *, cancel: str, help_text: str = "", status: int = 200
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "help": help_text}
    return render(request, "supplies/form.html", context, status=status)
