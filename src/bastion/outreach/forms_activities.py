"""Phone-friendly forms of outreach activities and gatherings: few fields, numbers on the number pad, choices
scoped by the view; the services check the figures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.core.models import OrgUnit
from bastion.outreach.models import Channel, Gathering, Notice, TargetGroup
from bastion.outreach.services.gatherings import HELD, NOT_HELD

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


class NoticeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Notice) -> str:
        return f"{obj} ({obj.org_unit.display_name})"


class ActivityForm(forms.Form):
    """What we did today: the channel, how many times, how many person-times it reached."""

    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    on = forms.DateField(label=_("date"), widget=DATE)
    channel = forms.ModelChoiceField(label=_("channel"), queryset=Channel.objects.none())
    times = forms.IntegerField(
        label=_("times"), initial=1, widget=NUMBER, help_text=_("For example: the loudspeaker car ran twice.")
    )
    # No min_value on the figures: the service refuses a negative reach with its own message.
    reach = forms.IntegerField(label=_("reach (person-times)"), widget=NUMBER)
    target_group = forms.ModelChoiceField(label=_("target group"), queryset=TargetGroup.objects.none(), required=False)
    materials = forms.CharField(
        label=_("materials used"),
        max_length=200,
        required=False,
        help_text=_("For example: 200 leaflets, 2 banners."),
    )
    notice = NoticeChoiceField(label=_("notice"), queryset=Notice.objects.none(), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        channels: QuerySet[Channel],
        groups: QuerySet[TargetGroup],
        notices: QuerySet[Notice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["channel"].queryset = channels  # type: ignore[attr-defined]
        self.fields["target_group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["notice"].queryset = notices  # type: ignore[attr-defined]


class GatheringForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=Gathering.Kind.choices)
    family = forms.CharField(label=_("family"), max_length=100, help_text=_("Whose gathering: the head of the family."))
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    planned_on = forms.DateField(label=_("planned for"), widget=DATE)
    expected_size = forms.IntegerField(label=_("expected size"), widget=NUMBER)
    guidance = forms.CharField(
        label=_("guidance given"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: postpone it, or keep it to close relatives with no banquet."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


OUTCOMES = [(value, label) for value, label in Gathering.Outcome.choices if value in HELD | NOT_HELD]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=OUTCOMES)
    actual_size = forms.IntegerField(
        label=_("actual size"),
        required=False,
        widget=NUMBER,
        help_text=_("How many came; leave it empty if it was postponed or cancelled."),
    )
    outcome_note = forms.CharField(label=_("how it went"), max_length=300, required=False)
