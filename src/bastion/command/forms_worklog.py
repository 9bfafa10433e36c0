"""Forms of the work log: draft a post's day, edit the draft, amend a signed log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.command.models import CommandPost
from bastion.residents.forms import DATE


class CommandPostField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: CommandPost) -> str:
        return f"{obj.name} · {obj.org_unit.display_name}"


class WorkLogDraftForm(forms.Form):
    command_post = CommandPostField(label=_("command post"), queryset=CommandPost.objects.none())
    day = forms.DateField(label=_("day"), widget=DATE)

    def __init__(self, *args: Any, posts: QuerySet[CommandPost], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["command_post"].queryset = posts  # type: ignore[attr-defined]


class WorkLogEditForm(forms.Form):
    # Not stripped here: the service keeps the office's layout and refuses an empty log with its own message.
    body = forms.CharField(label=_("log"), widget=forms.Textarea(attrs={"rows": 24}), strip=False, required=False)


class WorkLogAmendForm(forms.Form):
    text = forms.CharField(
        label=_("amendment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("The signed log stays as it was; the amendment is kept after it, with your name and the time."),
    )
