from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.checkpoints.models import Arrival, Passage, PassageField, Post
from bastion.checkpoints.services.passages import EXTRA_PREFIX
from bastion.core.forms import UnitChoiceField
from bastion.core.models import OrgUnit, User
from bastion.residents.forms import ChecklistItemForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SECOND_LANGUAGES = [
    ("", _("none")),
    ("kk", _("Kazakh")),
    ("ug", _("Uyghur")),
    ("mn", _("Mongolian")),
    ("ru", _("Russian")),
    ("en", _("English")),
]


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class DestinationField(forms.CharField):
    """A unit of the county, typed by a few characters or its pinyin initials (smgc for 水磨沟村) and picked
    from the suggestions of a datalist, which needs no script; a unit's id is taken too."""

    widget = forms.TextInput(attrs={"list": "destinations", "autocomplete": "off"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units: list[OrgUnit] = []

    @staticmethod
    def suggestion(unit: OrgUnit) -> str:
        above = f" · {unit.parent.display_name}" if unit.parent else ""
        return f"{unit.display_name} {unit.pinyin_initials}{above}"

    @property
    def suggestions(self) -> list[str]:
        return [self.suggestion(unit) for unit in self.units]

    def clean(self, value: Any) -> OrgUnit | None:
        text = " ".join(str(super().clean(value) or "").split())
        if not text:
            return None
        if text.isdigit():
            found = [unit for unit in self.units if unit.pk == int(text)]
        else:
            keys = (text, text.lower())
            found = [
                unit
                for unit in self.units
                if any(
                    key in (self.suggestion(unit), unit.display_name, unit.name, unit.pinyin_initials) for key in keys
                )
            ]
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _("No unit of the county is called %(text)s: pick one of the suggestions."), params={"text": text}
            )
        raise forms.ValidationError(
            _("Several units are called %(text)s: pick one of the suggestions."), params={"text": text}
        )


class PostForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=None)
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=Post.Kind.choices)
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    hours = forms.CharField(label=_("hours"), max_length=60, required=False, help_text=_("for example 00:00-24:00"))
    mode = forms.ChoiceField(
        label=_("registration"), choices=Post.Mode.choices, widget=forms.RadioSelect, initial=Post.Mode.REGISTER_ALL
    )
    second_language = forms.ChoiceField(
        label=_("second language of the poster"), choices=SECOND_LANGUAGES, required=False
    )
    staff = UsersChoiceField(
        label=_("staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accounts whose scope holds the post's unit."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, units: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class PassageForm(forms.Form):
    """The duty officer's ten seconds: direction, ID number (the rest fills in), where from, where to."""

    direction = forms.ChoiceField(
        label=_("direction"), choices=Passage.Direction.choices, widget=forms.RadioSelect, initial="in"
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )
    name = forms.CharField(label=_("full name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    plate = forms.CharField(label=_("vehicle plate"), max_length=12, required=False)
    from_region = forms.CharField(label=_("coming from"), max_length=100, required=False)
    from_division_code = forms.CharField(
        label=_("division code of origin"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Where known, such as 420100 for Wuhan."),
    )
    to_unit = DestinationField(
        label=_("going to (in the county)"),
        max_length=200,
        required=False,
        help_text=_("Type a few characters or the pinyin initials, then pick."),
    )
    to_outside = forms.CharField(label=_("or going to (outside the county)"), max_length=100, required=False)
    purpose = forms.CharField(label=_("purpose"), max_length=100, required=False)
    temperature = forms.DecimalField(
        label=_("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "min": "34", "max": "43"}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].units = list(units)  # type: ignore[attr-defined]


def add_passage_fields(form: forms.Form, fields: list[PassageField]) -> None:
    """The other fields configured for passages, as form fields ``extra_<code>``; they are checked by the
    service (``passage_extra_clean``), which names the field in its message."""
    for field in fields:
        label = f"{field}{' *' if field.required else ''}"
        if field.kind == PassageField.Kind.YES_NO:
            choices = [("", "–"), ("yes", _("yes")), ("no", _("no"))]
            form.fields[f"{EXTRA_PREFIX}{field.code}"] = forms.ChoiceField(label=label, choices=choices, required=False)
        else:
            attrs = {"inputmode": "decimal"} if field.kind == PassageField.Kind.NUMBER else {}
            form.fields[f"{EXTRA_PREFIX}{field.code}"] = forms.CharField(
                label=label, max_length=200, required=False, widget=forms.TextInput(attrs=attrs)
            )


def split_extra(data: dict[str, Any]) -> dict[str, Any]:
    """A form's cleaned data for ``passage_record``: the other fields gathered under ``extra``."""
    extra = {key.removeprefix(EXTRA_PREFIX): value for key, value in data.items() if key.startswith(EXTRA_PREFIX)}
    return {key: value for key, value in data.items() if not key.startswith(EXTRA_PREFIX)} | {"extra": extra}


class PassageFieldForm(ChecklistItemForm):
    kind = forms.ChoiceField(label=_("kind"), choices=PassageField.Kind.choices)
    required = forms.BooleanField(label=_("required"), required=False)


class ArrivalVerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("result"),
        choices=[c for c in Arrival.Result.choices if c[0] != Arrival.Result.PENDING],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the person was not found: what was done to find them."),
    )
