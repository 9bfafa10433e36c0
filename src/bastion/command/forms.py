"""Forms of the meetings, action items and weaknesses pages; owners are picked per command post."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.command.models import ActionItem, CommandPost, MeetingKind, PostMember, WorkingGroup
from bastion.command.services.common import current_members
from bastion.core.models import OrgUnit
from bastion.supplies.models import Fund

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
"""A date picker needs ISO dates whatever the language's own date format."""

OWNER_DEPTH = 2
"""Units that can own an item: the post's own unit and two levels below it (a county's townships and villages)."""


def owner_choices(post: CommandPost) -> list[tuple[Any, Any]]:
    members = PostMember.objects.filter(current_members(post)).order_by("name")
    groups = WorkingGroup.objects.filter(command_post=post, is_active=True)
    low, high = post.org_unit.subtree_bounds
    units = OrgUnit.objects.filter(
        path__gte=low, path__lt=high, depth__lte=post.org_unit.depth + OWNER_DEPTH, is_active=True
    ).order_by("path")
    return [
        ("", "—"),
        (_("Working groups"), [(f"g:{group.pk}", str(group)) for group in groups]),
        (_("People"), [(f"m:{member.pk}", f"{member.name} ({member.get_position_display()})") for member in members]),
        (_("Units"), [(f"u:{unit.pk}", unit.display_name) for unit in units]),
    ]


class OwnerField(forms.ChoiceField):
    """One owner: "g:<group>", "m:<member>" or "u:<unit>", turned into the service's keyword arguments."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("owner"), **kwargs)

    def owner_of(self, post: CommandPost, value: str) -> dict[str, Any]:
        kind, _sep, pk = value.partition(":")
        if not pk.isdigit():
            raise ValidationError(_("Choose an owner: a working group, a person or a unit."))
        if kind == "g":
            group = WorkingGroup.objects.filter(command_post=post, pk=int(pk)).first()
            return {"owner_group": group} if group else {}
        if kind == "m":
            member = PostMember.objects.filter(command_post=post, pk=int(pk)).first()
            return {"owner_member": member} if member else {}
        low, high = post.org_unit.subtree_bounds
        unit = OrgUnit.objects.filter(path__gte=low, path__lt=high, pk=int(pk)).first()
        return {"owner_unit": unit} if unit else {}


class _OwnedForm(forms.Form):
    def __init__(self, *args: Any, post: CommandPost, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.post = post
        owner = self.fields["owner"]
        assert isinstance(owner, OwnerField)
        owner.choices = owner_choices(post)

    def clean_owner(self) -> dict[str, Any]:
        owner = self.fields["owner"]
        assert isinstance(owner, OwnerField)
        found = owner.owner_of(self.post, self.cleaned_data["owner"])
        if not found:
            raise ValidationError(_("Choose an owner: a working group, a person or a unit."))
        return found


class ActionItemForm(_OwnedForm):
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200)
    details = forms.CharField(label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = OwnerField()
    due_on = forms.DateField(label=pgettext_lazy("deadline", "due"), widget=DATE)
    priority = forms.TypedChoiceField(
        label=_("priority"), choices=ActionItem.Priority.choices, coerce=int, initial=ActionItem.Priority.NORMAL
    )


class DecisionForm(_OwnedForm):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = OwnerField()
    due_on = forms.DateField(label=pgettext_lazy("deadline", "due"), widget=DATE)
    priority = forms.TypedChoiceField(
        label=_("priority"), choices=ActionItem.Priority.choices, coerce=int, initial=ActionItem.Priority.NORMAL
    )
    amount = forms.CharField(
        label=_("amount allocated (yuan)"),
        max_length=20,
        required=False,
        help_text=_("Only for a funds decision, for example 500000."),
    )
    fund = forms.ModelChoiceField(label=_("fund"), queryset=Fund.objects.none(), required=False)

    def __init__(self, *args: Any, post: CommandPost, **kwargs: Any) -> None:
        super().__init__(*args, post=post, **kwargs)
        self.fields["due_on"].initial = timezone.localdate()
        fund = self.fields["fund"]
        assert isinstance(fund, forms.ModelChoiceField)
        fund.queryset = Fund.objects.filter(org_unit=post.org_unit).order_by("name")


class MeetingForm(forms.Form):
    command_post = forms.ModelChoiceField(label=_("command post"), queryset=CommandPost.objects.none())
    kind = forms.ModelChoiceField(label=_("kind"), queryset=MeetingKind.objects.filter(is_active=True))
    held_on = forms.DateField(label=_("date"), widget=DATE)
    starts_at = forms.TimeField(
        label=_("time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Empty: the kind's usual time."),
    )
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200, required=False)
    agenda = forms.CharField(label=_("agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        post = self.fields["command_post"]
        assert isinstance(post, forms.ModelChoiceField)
        post.queryset = posts
        self.fields["held_on"].initial = timezone.localdate()


class MinutesForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "title"), max_length=200)
    agenda = forms.CharField(label=_("agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class AttendanceForm(forms.Form):
    member = forms.ModelChoiceField(label=_("member"), queryset=PostMember.objects.none())
    present = forms.TypedChoiceField(
        label=_("present"), choices=[("1", _("present")), ("0", _("absent"))], coerce=lambda v: v == "1", initial="1"
    )
    absence_reason = forms.CharField(label=_("reason of absence"), max_length=200, required=False)

    def __init__(self, *args: Any, post: CommandPost, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = PostMember.objects.filter(command_post=post).order_by("ends_on", "name")


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    attachment = forms.FileField(label=_("attachment"), required=False)


class WeaknessForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("where"), queryset=OrgUnit.objects.none())
    found_by = forms.CharField(label=_("found by"), max_length=100)
    found_on = forms.DateField(label=_("found on"), widget=DATE)
    description = forms.CharField(label=_("what was found"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, post: CommandPost, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = post.org_unit.subtree_bounds
        unit = self.fields["org_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = OrgUnit.objects.filter(
            path__gte=low, path__lt=high, depth__lte=post.org_unit.depth + OWNER_DEPTH
        ).order_by("path")
        unit.initial = post.org_unit.pk
        self.fields["found_on"].initial = timezone.localdate()


class VerificationForm(forms.Form):
    verification = forms.CharField(label=_("how the fix was checked"), widget=forms.Textarea(attrs={"rows": 2}))
