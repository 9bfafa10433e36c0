from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.residents.models import CategoryTag, Household, Outcome, Person, Symptom, TravelEntry, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=100)
    org_unit = UnitChoiceField(label=_("lives in"), queryset=None)
    address = forms.CharField(label=_("home address"), max_length=200, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_("Date of birth and sex are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    birth_date = forms.DateField(label=_("date of birth"), required=False, widget=DATE)
    household = forms.ModelChoiceField(label=_("household"), queryset=Household.objects.none(), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("categories"),
        queryset=CategoryTag.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["household"].queryset = households  # type: ignore[attr-defined]


class TravelForm(forms.Form):
    from_region = forms.CharField(label=_("came from"), max_length=100)
    from_division_code = forms.CharField(label=_("division code of origin"), max_length=12, required=False)
    arrival_date = forms.DateField(label=_("arrival date"), required=False, widget=DATE)
    mode = forms.ChoiceField(label=_("transport"), choices=[("", "—"), *TravelEntry.Mode.choices], required=False)
    transport_number = forms.CharField(label=_("train, flight, bus or plate number"), max_length=30, required=False)


class HouseholdForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit or ten-household group"), queryset=None)
    address = forms.CharField(label=_("household address"), max_length=200)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class HouseholdHeadForm(forms.Form):
    address = forms.CharField(label=_("household address"), max_length=200)
    head = forms.ModelChoiceField(label=_("head of household"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members  # type: ignore[attr-defined]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    org_unit = UnitChoiceField(label=_("area"), queryset=None)
    tags = forms.ModelMultipleChoiceField(
        label=_("categories"),
        queryset=CategoryTag.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Persons with any of these categories; none chosen means everyone."),
    )
    arrived_from = forms.DateField(label=_("arrived on or after"), required=False, widget=DATE)
    arrived_until = forms.DateField(label=_("arrived on or before"), required=False, widget=DATE)
    round_count = forms.IntegerField(label=_("verification rounds"), initial=4, min_value=1, max_value=10)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    """Two taps: seen or not, then the outcome; temperature and symptoms only when there is something to say."""

    found = forms.TypedChoiceField(
        label=_("seen"),
        choices=[("1", _("Seen")), ("0", _("Not seen"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("method"), choices=Visit.Method.choices, initial=Visit.Method.DOOR)
    temperature = forms.DecimalField(
        label=_("temperature (°C)"),
        required=False,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "min": "34", "max": "43"}),
    )
    symptoms = forms.ModelMultipleChoiceField(
        label=_("symptoms"),
        queryset=Symptom.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    moved_to = UnitChoiceField(label=_("moved to (unit)"), queryset=None, required=False)
    moved_outside = forms.CharField(label=_("moved to (outside the area)"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, destinations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moved_to"].queryset = destinations  # type: ignore[attr-defined]


class ExplainForm(forms.Form):
    reason = forms.CharField(label=_("why the person cannot be visited"), max_length=300)


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    duplicate = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistItemForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name_zh_hans = forms.CharField(label=_("name in Chinese"), max_length=100)
    name_en = forms.CharField(label=_("name in English"), max_length=100, required=False)
    sort_order = forms.IntegerField(label=_("sort order"), initial=0)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
