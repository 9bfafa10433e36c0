from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.models import Institution, OrgUnit, User
from bastion.core.roles import ROLES


class OrgUnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=OrgUnit.Kind.choices)
    name = forms.CharField(label=_("official name"), max_length=100)
    short_name = forms.CharField(label=_("display name"), max_length=100, required=False)
    division_code = forms.RegexField(
        label=_("division code"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A division code has exactly 12 digits.")},
    )
    sort_order = forms.IntegerField(label=_("sort order"), initial=0, required=False)
    population = forms.IntegerField(label=_("population"), min_value=0, max_value=50_000_000, required=False)

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


def indented_label(unit: OrgUnit) -> str:
    """Units shown indented by depth, so a choice reads like the tree."""
    return "\u3000" * unit.depth + unit.display_name


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgUnit) -> str:
        return indented_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgUnit) -> str:
        return indented_label(obj)


class OrgUnitMoveForm(forms.Form):
    new_parent = UnitChoiceField(label=_("new parent unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = units  # type: ignore[attr-defined]


class InstitutionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Institution.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=150)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    designated = forms.BooleanField(
        label=_("designated hospital"),
        required=False,
        help_text=_("A medical institution that receives referred cases."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class ContactForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=60, help_text=_("for example 楼栋长, 十户长, duty officer"))
    name = forms.CharField(label=_("name"), max_length=60)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, "CN")
        except phonenumbers.NumberParseException as exc:
            raise forms.ValidationError(_("This is not a phone number.")) from exc
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(_("This is not a valid phone number."))
        return (
            str(number.national_number)
            if number.country_code == 86
            else phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        )


def _role_choices() -> list[tuple[str, Any]]:
    return list(ROLES.items())


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=_("user name"),
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={"invalid": _("3 to 150 letters, digits or . @ + - _")},
    )
    display_name = forms.CharField(label=_("display name"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("role"), choices=_role_choices)
    scope_units = UnitMultipleChoiceField(
        label=_("scope"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The units this account answers for: it sees them and everything below them."),
    )
    password = forms.CharField(label=_("initial password"), widget=forms.PasswordInput, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, units: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope_units"].queryset = units  # type: ignore[attr-defined]
        if editing:
            del self.fields["username"], self.fields["password"]
        else:
            self.fields["password"].required = True


class TokenForm(forms.Form):
    name = forms.CharField(label=_("device name"), max_length=60)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("actor"), required=False)
    action = forms.CharField(label=_("action"), required=False)
    object_type = forms.CharField(label=_("object type"), required=False)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    unit = forms.IntegerField(label=_("unit id"), required=False)


def user_initial(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": next(iter(g.name for g in user.groups.all()), ""),
        "scope_units": [u.pk for u in user.scope_units.all()],
        "is_active": user.is_active,
    }
