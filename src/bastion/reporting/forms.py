from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.models import OrgUnit
from bastion.core.names import PRIMARY_LANGUAGE, language_codes
from bastion.reporting.models import ImmediateReport, IncidentCategory, Indicator, ReportForm
from bastion.reporting.services.filing import REASON_SUFFIX
from bastion.reporting.sources import source_choices

NUMBER_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


class FilingForm(forms.Form):
    """One field per indicator of the form's version, named by the indicator's code."""

    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator],
        known: dict[str, Any],
        late_edit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        fields: dict[str, forms.Field] = {}
        for indicator in indicators:
            label = indicator.name
            help_text = ""
            if indicator.code in known:
                help_text = _("Filled in from what Bastion knows: %(value)s. Change it only with a reason.") % {
                    "value": known[indicator.code]
                }
            if indicator.value_type == Indicator.ValueType.BOOLEAN:
                fields[indicator.code] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
                    help_text=help_text,
                )
            elif indicator.value_type == Indicator.ValueType.TEXT:
                fields[indicator.code] = forms.CharField(label=label, required=False, max_length=200)
            else:
                attrs = dict(NUMBER_INPUT, inputmode="numeric" if indicator.value_type == "integer" else "decimal")
                low, high = indicator.bounds()
                if low is not None:
                    attrs["min"] = f"{low.normalize():f}"
                if high is not None:
                    attrs["max"] = f"{high.normalize():f}"
                fields[indicator.code] = forms.CharField(
                    label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
                )
                if indicator.required:
                    fields[indicator.code].widget.attrs["required"] = "required"
            if indicator.code in known:
                fields[indicator.code + REASON_SUFFIX] = forms.CharField(
                    label=_("Reason, if your figure differs"), required=False, max_length=200
                )
        self.fields.update(fields)
        # Checked by the service (it knows whether the deadline has passed), never by the browser.
        self.fields["edit_reason"] = forms.CharField(
            label=_("Reason for changing after the deadline"), required=False, max_length=300
        )
        if not late_edit:
            self.fields["edit_reason"].widget = forms.HiddenInput()
        self.fields["note"] = self.fields.pop("note")

    def values(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("note", "edit_reason") and value != ""
        }


def _name_fields(prefix: str = "name") -> dict[str, forms.CharField]:
    return {
        f"{prefix}_{code}": forms.CharField(
            label=_("name (%(language)s)") % {"language": code},
            max_length=100,
            required=code == PRIMARY_LANGUAGE,
        )
        for code in language_codes()
    }


class NamesMixin:
    cleaned_data: dict[str, Any]

    def names(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"name_{code}", "") for code in language_codes()}


class ReportFormConfigForm(NamesMixin, forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=ReportForm.Period.choices)
    deadline = forms.TimeField(
        label=_("deadline (local time)"), initial=dt.time(18, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    levels = forms.MultipleChoiceField(
        label=_("levels that file"), choices=OrgUnit.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    remind_before_minutes = forms.IntegerField(
        label=_("remind this many minutes before"), min_value=0, max_value=720, initial=60
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = _name_fields()
        fields: dict[str, forms.Field] = {}
        if new:
            fields["code"] = forms.SlugField(
                label=_("code"), max_length=40, help_text=_("letters, digits and -, for example daily")
            )
        fields.update(names)
        self.fields = {**fields, **self.fields}

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("name_") and k != "code"}
        return {**data, "names": self.names()}


class IndicatorForm(NamesMixin, forms.Form):
    required = forms.BooleanField(label=_("required"), required=False)
    min_value = forms.DecimalField(label=_("minimum"), required=False, max_digits=14, decimal_places=2)
    max_value = forms.DecimalField(label=_("maximum"), required=False, max_digits=14, decimal_places=2)
    source = forms.ChoiceField(label=_("filled in from"), required=False)
    sort_order = forms.IntegerField(label=_("sort order"), required=False, initial=0)

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        if new:
            fields["code"] = forms.SlugField(
                label=_("code"), max_length=40, help_text=_("letters, digits and -, for example returnees")
            )
            fields["value_type"] = forms.ChoiceField(label=_("type"), choices=Indicator.ValueType.choices)
        fields.update(_name_fields())
        self.fields = {**fields, **self.fields}
        self.fields["source"].choices = [("", _("nothing: the cadre types it")), *source_choices()]  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        data = {
            k: v for k, v in self.cleaned_data.items() if not k.startswith("name_") and k not in ("code", "value_type")
        }
        data["sort_order"] = data.get("sort_order") or 0
        return {**data, "names": self.names()}


class ImmediateReportForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    category = forms.ModelChoiceField(label=_("category"), queryset=IncidentCategory.objects.filter(is_active=True))
    severity = forms.ChoiceField(
        label=_("severity"), choices=ImmediateReport.Severity.choices, initial=ImmediateReport.Severity.SERIOUS
    )
    occurred_at = forms.DateTimeField(
        label=_("when it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("leave empty for now"),
    )
    description = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 4}))
    persons_involved = forms.CharField(
        label=_("persons involved"), required=False, max_length=300, help_text=_("names only; no ID numbers")
    )
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class StepForm(forms.Form):
    text = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 2}))
