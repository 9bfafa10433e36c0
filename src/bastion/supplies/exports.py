"""Excel out: stock, movements, the stock ledger (台账) of a store, donations, funds; the receipt of a donation
(PDF, with its number and the thank-you)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bastion.core.pdf import document
from bastion.observation.exports import table_workbook
from bastion.supplies.models import Donation, Fund, Movement, Store
from bastion.supplies.selectors.money import LedgerRow
from bastion.supplies.selectors.stock import StockRow


def stock_workbook(rows: Iterable[StockRow]) -> bytes:
    header = [
        _("Unit"),
        _("Store"),
        _("Item"),
        _("Unit of measure"),
        _("Stock"),
        _("In transit"),
        _("Issued over 7 days"),
        _("Days of cover"),
    ]
    return table_workbook(
        _("Stock"),
        header,
        (
            [
                r.unit_name,
                r.store_name,
                str(r.item),
                r.item.unit_of_measure,
                r.quantity,
                r.in_transit,
                r.issued,
                float(r.days_of_cover) if r.days_of_cover is not None else "",
            ]
            for r in rows
        ),
    )


def movements_workbook(movements: Iterable[Movement]) -> bytes:
    header = [
        _("When"),
        _("Store"),
        _("Item"),
        _("Batch"),
        _("Kind"),
        _("Quantity"),
        _("Recipient"),
        _("Recipient's name"),
        _("Note or reason"),
        _("By"),
    ]
    return table_workbook(
        _("Movements"),
        header,
        (
            [
                f"{timezone.localtime(m.at):%Y-%m-%d %H:%M}",
                m.store.name,
                str(m.item),
                m.batch.code if m.batch else "",
                m.get_kind_display(),
                m.quantity,
                m.get_recipient_kind_display() if m.recipient_kind else "",
                m.recipient_name,
                m.note,
                str(m.by) if m.by else "",
            ]
            for m in movements
        ),
    )


def ledger_workbook(store: Store, first: dt.date, last: dt.date, rows: Iterable[LedgerRow]) -> bytes:
    """The familiar layout of a stock ledger: one row per item with opening, in, out and closing."""
    title = _("Stock ledger %(store)s %(first)s to %(last)s") % {"store": store.name, "first": first, "last": last}
    header = [
        _("Item"),
        _("Unit of measure"),
        _("Opening"),
        pgettext("supplies", "In"),
        pgettext("supplies", "Out"),
        _("Closing"),
    ]
    body = [[str(r.item), r.item.unit_of_measure, r.opening, r.received, r.issued, r.closing] for r in rows]
    return table_workbook(_("Stock ledger"), [title, "", "", "", "", ""], [header, *body])


def donations_workbook(donations: Iterable[Donation]) -> bytes:
    header = [
        _("Receipt number"),
        _("Received on"),
        pgettext("supplies", "Received by"),
        _("Donor"),
        _("Anonymous in public"),
        _("Kind"),
        _("Amount (yuan)"),
        _("Item"),
        _("Quantity"),
        _("Earmarked for"),
    ]
    return table_workbook(
        _("Donations"),
        header,
        (
            [
                d.number,
                d.received_on,
                d.org_unit.display_name,
                d.donor_name,
                _("yes") if d.anonymous else _("no"),
                d.get_kind_display(),
                f"{d.amount:.2f}" if d.amount is not None else "",
                str(d.item) if d.item else "",
                d.quantity or "",
                d.earmark,
            ]
            for d in donations
        ),
    )


def funds_workbook(funds: Iterable[Fund]) -> bytes:
    header = [_("Unit"), _("Fund"), _("Budget"), _("Donations"), _("Spent"), _("Balance")]
    return table_workbook(
        _("Funds"),
        header,
        (
            [
                f.org_unit.display_name,
                f.name,
                f"{f.budget:.2f}",  # type: ignore[attr-defined]
                f"{f.donated:.2f}",  # type: ignore[attr-defined]
                f"{f.spent:.2f}",  # type: ignore[attr-defined]
                f"{f.balance:.2f}",  # type: ignore[attr-defined]
            ]
            for f in funds
        ),
    )


def donation_receipt(donation: Donation) -> bytes:
    """A numbered receipt with the thank-you, to print and hand to the donor."""
    rows = [
        (_("Receipt number"), donation.number),
        (_("Donor"), donation.donor_name),
        (_("Gift"), donation.what),
        (_("Received on"), f"{donation.received_on:%Y-%m-%d}"),
        (pgettext("supplies", "Received by"), donation.org_unit.display_name),
    ]
    if donation.earmark:
        rows.append((_("Earmarked for"), donation.earmark))
    return document(
        title=_("Receipt for a donation"),
        paragraphs=[donation.thanks],
        rows=rows,
        closing=[donation.org_unit.display_name, f"{donation.received_on:%Y-%m-%d}"],
        footer=_("Keep this receipt: its number finds the donation in the register."),
    )
