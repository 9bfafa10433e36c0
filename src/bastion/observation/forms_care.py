"""Forms of the delivery and care pages: quantities per item, assignment, what was handed over, welfare contacts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bastion.core.models import User
from bastion.observation.models import CareCategory, DeliveryLine, NeedItem, WelfareContact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUANTITY = {"min": "0", "max": "100000", "inputmode": "numeric"}


def _quantity_label(item: NeedItem) -> str:
    return f"{item} ({item.unit_of_measure})" if item.unit_of_measure else str(item)


class DeliveryRequestForm(forms.Form):
    """One quantity per item that can be asked for; every one optional, the service wants at least one."""

    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, items: Iterable[NeedItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=_quantity_label(item), required=False, widget=forms.NumberInput(attrs=QUANTITY)
            )
        self.order_fields([*(f"item_{item.pk}" for item in self.items), "note"])

    def lines(self) -> list[tuple[NeedItem, int]]:
        """The items given a quantity; blanks and zeros are the items not asked for."""
        return [(item, q) for item in self.items if (q := self.cleaned_data.get(f"item_{item.pk}"))]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("volunteer"), queryset=User.objects.none(), required=False)
    assignee_name = forms.CharField(
        label=_("or a volunteer or team without an account"), max_length=100, required=False
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = candidates  # type: ignore[attr-defined]


class DeliverForm(forms.Form):
    """What was handed over, one quantity per line asked for, filled in with the quantity asked."""

    note = forms.CharField(label=_("delivery note"), max_length=300, required=False)

    def __init__(self, *args: Any, lines: Iterable[DeliveryLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_quantity_label(line.item),
                initial=line.quantity,
                help_text=_("%(quantity)s asked for") % {"quantity": line.quantity},
                widget=forms.NumberInput(attrs=QUANTITY),
            )
        self.order_fields([*(f"line_{line.pk}" for line in self.lines), "note"])

    def delivered(self) -> dict[int, int | None]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("why the delivery is cancelled"), max_length=300)


class CareForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("categories"),
        queryset=CareCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.CharField(label=_("needs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_contact_due = forms.DateField(label=_("next visit due"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("followed"), required=False, initial=True)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=WelfareContact.Kind.choices,
        initial=WelfareContact.Kind.VISIT,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("what was found and done"), widget=forms.Textarea(attrs={"rows": 3}))
    at = forms.DateTimeField(
        label=_("when"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    next_contact_due = forms.DateField(
        label=_("next visit due"), required=False, widget=DATE, help_text=_("Leave empty if none is planned.")
    )
