"""Small things the mobilization pages share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from bastion.core.views.transfer import _dated, _xlsx
from bastion.observation.exports import Cell, table_workbook


def int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def act(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a one-tap action of a page; its refusal or ``success`` goes to the messages. True when done."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


def xlsx_response(title: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    return _xlsx(table_workbook(title, header, rows), _dated(stem))


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")
