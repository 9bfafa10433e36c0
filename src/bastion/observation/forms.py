from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.core.models import Institution, User
from bastion.observation.models import IsolationSite, ObservationCase, ObservationReason, Referral
from bastion.observation.models.cases import DEFAULT_CHECK_TIMES
from bastion.residents.forms import DATE
from bastion.residents.models import Symptom

TEMPERATURE = forms.NumberInput(
    attrs={"step": "0.1", "inputmode": "decimal", "min": "34", "max": "43", "autofocus": True}
)


class CaseForm(forms.Form):
    reason = forms.ModelChoiceField(label=_("reason"), queryset=ObservationReason.objects.filter(is_active=True))
    start_date = forms.DateField(label=_("start"), widget=DATE)
    days = forms.IntegerField(
        label=_("period (days)"), required=False, min_value=1, help_text=_("Empty: the reason's default period.")
    )
    place = forms.ChoiceField(label=_("place"), choices=ObservationCase.Place.choices, widget=forms.RadioSelect)
    site = forms.ModelChoiceField(label=_("isolation site"), queryset=IsolationSite.objects.none(), required=False)
    room = forms.CharField(label=_("room"), max_length=30, required=False)
    cadre = forms.ModelChoiceField(label=_("responsible cadre"), queryset=User.objects.none(), required=False)
    doctor = forms.ModelChoiceField(label=_("doctor"), queryset=User.objects.none(), required=False)
    check_times = forms.CharField(
        label=_("check times"),
        max_length=60,
        initial=DEFAULT_CHECK_TIMES.replace(",", ", "),
        help_text=_("Times of day, separated by commas."),
    )

    def __init__(self, *args: Any, sites: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["cadre"].queryset = staff  # type: ignore[attr-defined]
        self.fields["doctor"].queryset = staff  # type: ignore[attr-defined]

    def clean_check_times(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["check_times"].replace("，", ",").split(",") if part.strip()]


class CheckForm(forms.Form):
    """Two taps: the temperature, then "record"; symptoms only when there are any."""

    temperature = forms.DecimalField(label=_("temperature (°C)"), max_digits=3, decimal_places=1, widget=TEMPERATURE)
    symptoms = forms.ModelMultipleChoiceField(
        label=_("symptoms"),
        queryset=Symptom.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    self_reported = forms.BooleanField(label=_("reported by the person (not measured by us)"), required=False)
    taken_at = forms.DateTimeField(
        label=_("taken at"),
        required=False,
        help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class ExtendForm(forms.Form):
    new_end = forms.DateField(label=_("new end"), widget=DATE)
    reason = forms.CharField(label=_("reason for the extension"), max_length=300)


class ReleaseForm(forms.Form):
    note = forms.CharField(
        label=_("release note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the release paper: the person's condition at the end of the period."),
    )


class ReferForm(forms.Form):
    hospital = forms.ModelChoiceField(label=_("designated hospital"), queryset=Institution.objects.none())
    transport = forms.ChoiceField(label=_("transport"), choices=Referral.Transport.choices)
    handover = forms.CharField(
        label=_("hand-over"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Condition, temperature, symptoms, who goes along."),
    )

    def __init__(self, *args: Any, hospitals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = hospitals  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    to_unit = UnitChoiceField(label=_("unit taking over"), queryset=None, required=False)
    outside = forms.CharField(label=_("or: where outside the county"), max_length=200, required=False)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]


class AcknowledgeForm(forms.Form):
    received_by = forms.CharField(label=_("received by (doctor at the hospital)"), max_length=100)


class SiteForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=None)
    name = forms.CharField(label=_("name"), max_length=150)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    rooms = forms.IntegerField(label=_("rooms"), min_value=0, initial=0)
    capacity = forms.IntegerField(label=_("capacity (persons)"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
