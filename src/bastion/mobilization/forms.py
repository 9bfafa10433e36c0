"""Forms of the mobilization pages; the services check again what matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.core.models import Institution, OrgUnit
from bastion.mobilization.models import WEEKDAYS, Responder, ResponderCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PHONE = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})


class ResponderChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Responder) -> str:
        return f"{obj.name} · {obj.org_unit.display_name}"


class RespondersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Responder) -> str:
        return f"{obj.name} · {obj.org_unit.display_name}"


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class ResponderForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=100)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False, widget=PHONE)
    category = forms.ModelChoiceField(label=_("category"), queryset=ResponderCategory.objects.filter(is_active=True))
    org_unit = UnitChoiceField(label=_("home unit"), queryset=OrgUnit.objects.none())
    institution = forms.ModelChoiceField(label=_("institution"), queryset=Institution.objects.none(), required=False)
    skills = forms.CharField(label=_("skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("availability"), max_length=200, required=False)

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], institutions: QuerySet[Institution], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "org_unit", units)
        _set_queryset(self, "institution", institutions)


class ResponderEditForm(ResponderForm):
    is_active = forms.BooleanField(label=_("active"), required=False)


class BatchForm(forms.Form):
    org_unit = UnitChoiceField(label=_("issued by"), queryset=OrgUnit.objects.none())
    number = forms.IntegerField(label=_("batch number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    report_by = forms.DateField(label=_("report by"), widget=DATE)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "org_unit", units)


class AssignmentForm(forms.Form):
    phone = forms.CharField(
        label=_("responder's phone"), max_length=30, widget=PHONE, help_text=_("as in the register")
    )
    unit = UnitChoiceField(label=_("reports to"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)


class AbsenceForm(forms.Form):
    reason = forms.CharField(label=_("reason of absence"), max_length=200)


class PatternForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.TimeField(label=_("starts"), widget=TIME)
    ends_at = forms.TimeField(label=_("ends"), widget=TIME, help_text=_("an end before the start is on the next day"))
    lead = ResponderChoiceField(label=_("shift lead"), queryset=Responder.objects.none(), required=False)
    members = RespondersChoiceField(
        label=_("members"), queryset=Responder.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: QuerySet[Responder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "lead", candidates)
        _set_queryset(self, "members", candidates)


class PatternEditForm(PatternForm):
    weekdays = None  # type: ignore[assignment]  # one weekday when a weekly shift is edited
    weekday = forms.TypedChoiceField(label=_("weekday"), choices=WEEKDAYS, coerce=int)
    is_active = forms.BooleanField(label=_("active"), required=False)


class ShiftChangeForm(forms.Form):
    lead = ResponderChoiceField(label=_("shift lead"), queryset=Responder.objects.none(), required=False)
    members = RespondersChoiceField(
        label=_("members"), queryset=Responder.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    cancelled = forms.BooleanField(label=_("cancel this shift"), required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Responder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "lead", candidates)
        _set_queryset(self, "members", candidates)


class SwapForm(forms.Form):
    replacement = ResponderChoiceField(label=_("replaced by"), queryset=Responder.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Responder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "replacement", candidates)


class CheckInForm(forms.Form):
    phone = forms.CharField(label=_("Your phone number"), max_length=30, widget=PHONE)
