"""Phone-friendly forms of places, inspections (the checklist, one row per item) and disinfections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bastion.core.forms import UnitChoiceField
from bastion.core.models import OrgUnit
from bastion.outreach.models import ChecklistItem, Place, PlaceKind
from bastion.outreach.services.inspections import AnswerInput
from bastion.residents.forms import ChecklistItemForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PASSED, FAILED = "passed", "failed"
INTERVAL = forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "max": "365"})


class PlaceForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    kind = forms.ModelChoiceField(label=_("kind"), queryset=PlaceKind.objects.none())
    name = forms.CharField(label=_("name"), max_length=150)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    responsible_name = forms.CharField(label=_("person responsible"), max_length=100, required=False)
    responsible_phone = forms.CharField(
        label=pgettext_lazy("person responsible", "their phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    disinfect_every_days = forms.IntegerField(
        label=_("disinfect every (days)"),
        required=False,
        widget=INTERVAL,
        help_text=_("Empty: as for its kind."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], place: Place | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        kinds = PlaceKind.objects.filter(is_active=True)
        if place is not None:  # a place keeps its kind even when the kind is no longer offered
            kinds = PlaceKind.objects.filter(pk__in=[*kinds.values_list("pk", flat=True), place.kind_id])
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]
        if place is None:
            del self.fields["is_active"]


class InspectionForm(forms.Form):
    """The checklist of the place's kind: per item passed or failed, a note (needed when failed) and a photo."""

    inspected_at = forms.DateTimeField(label=_("inspected at"), widget=DATETIME)
    inspectors = forms.CharField(label=_("inspected by"), max_length=200)
    rectify_by = forms.DateField(
        label=_("rectify by"), required=False, widget=DATE, help_text=_("Needed when an item failed.")
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=str(item), choices=[(PASSED, _("passed")), (FAILED, _("failed"))], widget=forms.RadioSelect
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("note"), max_length=300, required=False)
            self.fields[f"photo_{item.pk}"] = forms.FileField(
                label=_("photo"),
                required=False,
                widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            if data.get(f"item_{item.pk}") == FAILED and not (data.get(f"note_{item.pk}") or "").strip():
                self.add_error(f"note_{item.pk}", _("Say what was wrong."))
        return data

    def rows(self) -> Iterator[tuple[ChecklistItem, BoundField, BoundField, BoundField]]:
        for item in self.items:
            yield item, self[f"item_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"]

    def head_fields(self) -> list[BoundField]:
        return [self["inspected_at"], self["inspectors"]]

    def answers(self, data: dict[str, Any]) -> list[AnswerInput]:
        return [
            AnswerInput(
                item=item,
                passed=data[f"item_{item.pk}"] == PASSED,
                note=data.get(f"note_{item.pk}") or "",
                photo=data.get(f"photo_{item.pk}"),
            )
            for item in self.items
        ]


class DisinfectionForm(forms.Form):
    place = forms.ModelChoiceField(
        label=pgettext_lazy("crowded place", "place"), queryset=Place.objects.none(), required=False
    )
    org_unit = UnitChoiceField(
        label=_("unit"), queryset=OrgUnit.objects.none(), required=False, help_text=_("Empty: the place's unit.")
    )
    area = forms.CharField(
        label=pgettext_lazy("disinfection", "area"),
        max_length=200,
        required=False,
        help_text=_("When not at a place: a street, stairwells…"),
    )
    agent = forms.CharField(label=_("agent"), max_length=100)
    concentration = forms.CharField(label=_("concentration"), max_length=50, required=False)
    done_at = forms.DateTimeField(label=_("done at"), widget=DATETIME)
    done_by = forms.CharField(label=_("done by"), max_length=100)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], places: QuerySet[Place], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("org_unit") is None and data.get("place") is None and "org_unit" not in self.errors:
            self.add_error("org_unit", _("Choose the place or the unit of the area."))
        return data


class PlaceKindForm(ChecklistItemForm):
    disinfect_every_days = forms.IntegerField(
        label=_("disinfect every (days)"),
        required=False,
        min_value=1,
        max_value=365,
        widget=INTERVAL,
        help_text=_("Empty: no schedule."),
    )


class PlaceChecklistItemForm(ChecklistItemForm):
    """The text of a point of a kind's checklist; its code never changes."""
