"""Forms of the command structure: a post, a member, a working group, a liaison. Choices are scoped by the view;
the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.command.models import AREAS, PostMember
from bastion.core.forms import UnitChoiceField
from bastion.core.models import Institution, OrgUnit, User
from bastion.residents.forms import DATE

PHONE = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: PostMember) -> str:
        return f"{obj.name} · {obj.get_position_display()}"


class MembersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: PostMember) -> str:
        return f"{obj.name} · {obj.get_position_display()}"


class CommandPostForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("name of the command post"), max_length=150)
    leading_group_name = forms.CharField(label=_("name of the leading group"), max_length=150, required=False)
    duty_phone = forms.CharField(label=_("duty phone"), max_length=30, required=False, widget=PHONE)
    address = forms.CharField(label=_("address"), max_length=200, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:  # changing a post: its unit stays
            del self.fields["org_unit"]
        else:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=100)
    position = forms.ChoiceField(label=_("position"), choices=PostMember.Position.choices)
    title = forms.CharField(
        label=_("post held"), max_length=100, required=False, help_text=_("For example: deputy county head.")
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False, widget=PHONE)
    user = forms.ModelChoiceField(label=_("account"), queryset=User.objects.none(), required=False)
    starts_on = forms.DateField(label=_("from"), required=False, widget=DATE, help_text=_("Today if left empty."))

    def __init__(self, *args: Any, accounts: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts  # type: ignore[attr-defined]


class EndForm(forms.Form):
    ends_on = forms.DateField(label=_("to"), required=False, widget=DATE, help_text=_("Today if left empty."))


class WorkingGroupForm(forms.Form):
    name_zh = forms.CharField(label=_("name in Chinese"), max_length=100, required=False)
    name_en = forms.CharField(label=_("name in English"), max_length=100, required=False)
    duties = forms.CharField(label=_("duties"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    areas = forms.MultipleChoiceField(
        label=_("areas of Bastion"), choices=AREAS, required=False, widget=forms.CheckboxSelectMultiple
    )
    lead = MemberChoiceField(label=_("lead"), queryset=PostMember.objects.none(), required=False)
    members = MembersChoiceField(
        label=_("members"), queryset=PostMember.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, members: QuerySet[PostMember], new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        if new:
            del self.fields["is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["names"] = {code: data.pop(field, "") or "" for code, field in (("zh-hans", "name_zh"), ("en", "name_en"))}
        data["members"] = list(data.get("members") or [])
        return data


class LiaisonForm(forms.Form):
    unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none(), required=False)
    institution = forms.ModelChoiceField(label=_("or institution"), queryset=Institution.objects.none(), required=False)
    hq_member = MemberChoiceField(label=_("contact at the command post"), queryset=PostMember.objects.none())
    contact_name = forms.CharField(label=_("contact on the other side"), max_length=100)
    contact_phone = forms.CharField(label=_("their phone"), max_length=30, widget=PHONE)
    starts_on = forms.DateField(label=_("from"), required=False, widget=DATE, help_text=_("Today if left empty."))

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        institutions: QuerySet[Institution],
        members: QuerySet[PostMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["hq_member"].queryset = members  # type: ignore[attr-defined]
