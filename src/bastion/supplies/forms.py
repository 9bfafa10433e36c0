"""Phone-friendly forms of supplies: few fields, numbers typed on the number pad, choices scoped by the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bastion.core.forms import UnitChoiceField
from bastion.core.models import OrgUnit
from bastion.residents.forms import DATE
from bastion.supplies.models import Donation, Fund, Item, Movement, Store

NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"})
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1000.00"})


def _items() -> QuerySet[Item]:
    return Item.objects.filter(is_active=True)


class ItemField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=_items(), label=kwargs.pop("label", _("item")), **kwargs)

    def label_from_instance(self, obj: Item) -> str:
        return f"{obj} ({obj.unit_of_measure})"


def _quantity(label: Any = None, **kwargs: Any) -> forms.IntegerField:
    # No min_value here: the service refuses zero and negatives with the ledger's own message.
    return forms.IntegerField(label=label or _("quantity"), widget=NUMBER, **kwargs)


class StoreForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=Store.Kind.choices)
    keeper = forms.CharField(label=_("keeper"), max_length=60, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class ReceiveForm(forms.Form):
    item = ItemField()
    quantity = _quantity()
    source = forms.ChoiceField(
        label=_("from"),
        choices=[(k, label) for k, label in Movement.Kind.choices if k in ("purchase", "allocation")],
    )
    batch_code = forms.CharField(label=_("batch"), max_length=40, required=False)
    expires_on = forms.DateField(label=_("expires on"), required=False, widget=DATE)
    note = forms.CharField(label=_("supplier or note"), max_length=300, required=False)


class IssueForm(forms.Form):
    item = ItemField()
    quantity = _quantity()
    recipient_kind = forms.ChoiceField(label=_("recipient"), choices=Movement.Recipient.choices)
    recipient_name = forms.CharField(label=_("recipient's name"), max_length=100)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class HandOutForm(forms.Form):
    """The morning hand-out: a list of names, and what each of them gets."""

    recipient_kind = forms.ChoiceField(label=_("recipients are"), choices=Movement.Recipient.choices)
    recipients = forms.CharField(
        label=_("recipients, one name a line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For example the household heads (联户长) and the people on duty today."),
    )
    item_1 = ItemField(label=_("item"))
    each_1 = _quantity(_("each gets"))
    item_2 = ItemField(label=_("second item"), required=False)
    each_2 = _quantity(_("each gets"), required=False)
    item_3 = ItemField(label=_("third item"), required=False)
    each_3 = _quantity(_("each gets"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = []
        for n in (1, 2, 3):
            item, each = data.get(f"item_{n}"), data.get(f"each_{n}")
            if item is not None and each is None:
                self.add_error(f"each_{n}", _("Give how many each recipient gets."))
            elif item is not None:
                lines.append((item, each))
        data["items"] = lines
        data["recipients"] = [line for line in str(data.get("recipients", "")).splitlines() if line.strip()]
        return data


class AdjustForm(forms.Form):
    item = ItemField()
    counted = forms.IntegerField(label=_("quantity counted"), widget=NUMBER)
    reason = forms.CharField(label=_("reason"), max_length=300)


class WriteOffForm(forms.Form):
    item = ItemField()
    quantity = _quantity()
    reason = forms.ChoiceField(
        label=_("reason"), choices=[("expired", _("Expired")), ("damaged", _("Damaged")), ("lost", _("Lost"))]
    )


class TransferForm(forms.Form):
    to_store = forms.ModelChoiceField(label=_("to store"), queryset=Store.objects.none())
    item = ItemField()
    quantity = _quantity()
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, stores: QuerySet[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_store"].queryset = stores  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    item = ItemField()
    quantity = _quantity(_("quantity asked for"))
    reason = forms.CharField(label=_("what for"), max_length=300, required=False)


class ApproveForm(forms.Form):
    quantity = _quantity(_("quantity approved"))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("reason for refusing"), max_length=300)


class FillForm(forms.Form):
    from_store = forms.ModelChoiceField(label=_("send from"), queryset=Store.objects.none())
    quantity = _quantity(_("quantity to send"))

    def __init__(self, *args: Any, stores: QuerySet[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_store"].queryset = stores  # type: ignore[attr-defined]


class DonationForm(forms.Form):
    org_unit = UnitChoiceField(label=_("received by"), queryset=OrgUnit.objects.none())
    donor_name = forms.CharField(label=_("donor"), max_length=100)
    donor_kind = forms.ChoiceField(label=_("donor is"), choices=Donation.DonorKind.choices)
    anonymous = forms.BooleanField(label=_("anonymous in public"), required=False)
    kind = forms.ChoiceField(label=_("gift of"), choices=Donation.Kind.choices, widget=forms.RadioSelect)
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20, required=False, widget=MONEY)
    fund = forms.ModelChoiceField(label=_("into the fund"), queryset=Fund.objects.none(), required=False)
    item = ItemField(required=False)
    quantity = _quantity(required=False)
    store = forms.ModelChoiceField(label=_("into the store"), queryset=Store.objects.none(), required=False)
    batch_code = forms.CharField(label=_("batch"), max_length=40, required=False)
    expires_on = forms.DateField(label=_("expires on"), required=False, widget=DATE)
    earmark = forms.CharField(label=_("earmarked for"), max_length=200, required=False)
    received_on = forms.DateField(label=_("received on"), widget=DATE)

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], funds: QuerySet[Fund], stores: QuerySet[Store], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        self.fields["store"].queryset = stores  # type: ignore[attr-defined]


class FundForm(forms.Form):
    org_unit = UnitChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("name"), max_length=100)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class FundEntryForm(forms.Form):
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20, widget=MONEY)
    description = forms.CharField(label=_("description"), max_length=300)
    on = forms.DateField(label=_("date"), widget=DATE)


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("from"), widget=DATE)
    last = forms.DateField(label=_("to"), widget=DATE)
