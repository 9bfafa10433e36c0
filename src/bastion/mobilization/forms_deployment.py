"""Forms of the secondment, team and leaders' units pages; the services check again what matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.core.models import Institution, OrgUnit
from bastion.mobilization.forms import DATE, ResponderChoiceField, RespondersChoiceField, _set_queryset
from bastion.mobilization.models import DutyType, Responder, TeamKind


class SecondmentForm(forms.Form):
    responder = ResponderChoiceField(label=_("responder"), queryset=Responder.objects.none())
    duty_type = forms.ModelChoiceField(label=_("duty"), queryset=DutyType.objects.filter(is_active=True))
    org_unit = UnitChoiceField(label=_("serving at"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("to"), widget=DATE, required=False, help_text=_("leave empty until it ends"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, responders: QuerySet[Responder], units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "responder", responders)
        _set_queryset(self, "org_unit", units)


class EndForm(forms.Form):
    """Ending a secondment or releasing a leader: the last day, today unless given."""

    ends_on = forms.DateField(label=_("last day"), widget=DATE, required=False, help_text=_("today if empty"))


class TeamForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("kind"), queryset=TeamKind.objects.filter(is_active=True))
    name = forms.CharField(label=_("name"), max_length=100)
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    institution = forms.ModelChoiceField(label=_("institution"), queryset=Institution.objects.none(), required=False)
    leader = ResponderChoiceField(label=_("leader"), queryset=Responder.objects.none(), required=False)
    members = RespondersChoiceField(
        label=_("members"), queryset=Responder.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    tasks = forms.CharField(label=_("tasks given"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        institutions: QuerySet[Institution],
        candidates: QuerySet[Responder],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "org_unit", units)
        _set_queryset(self, "institution", institutions)
        _set_queryset(self, "leader", candidates)
        _set_queryset(self, "members", candidates)


class TeamEditForm(TeamForm):
    is_active = forms.BooleanField(label=_("active"), required=False)


class LeaderAssignmentForm(forms.Form):
    leader = ResponderChoiceField(label=_("leader"), queryset=Responder.objects.none())
    org_unit = UnitChoiceField(label=_("township or village"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("to"), widget=DATE, required=False)

    def __init__(self, *args: Any, leaders: QuerySet[Responder], units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "leader", leaders)
        _set_queryset(self, "org_unit", units)
