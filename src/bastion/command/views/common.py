"""What the command pages share: the plain form page."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from bastion.core.views.helpers import AuthedRequest


def form_page(
    request: AuthedRequest, form: forms.Form, title: str, *, cancel: str, help_text: str = ""
) -> HttpResponse:
    """The form alone on its page; a form sent back with errors answers 400."""
    context = {"form": form, "title": title, "cancel": cancel, "help": help_text}
    return render(request, "command/form.html", context, status=400 if form.is_bound else 200)
