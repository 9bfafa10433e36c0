"""Days-of-cover warnings: a store whose stock of an item lasts fewer days than the item's threshold."""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.core.models import Notification, User
from bastion.core.selectors import responsible_users_of
from bastion.core.services.notifications import notification_send
from bastion.supplies.models import Balance, Store
from bastion.supplies.selectors.stock import StockRow, stock_rows

KIND = "supplies_low_cover"


def low_cover_rows() -> list[StockRow]:
    """Every active store's items below their threshold of days of cover (or out of stock after issuing)."""
    totals = (
        Balance.objects.filter(store__is_active=True, item__is_active=True)
        .values("store_id", "item_id")
        .annotate(quantity=Sum("quantity"))
        .order_by("store_id", "item_id")
    )
    return [row for row in stock_rows(list(totals)) if row.issued > 0 and row.is_low]


def cover_alerts_send() -> int:
    """Warn each store's unit and the level above it once a day per store; returns the notifications sent."""
    by_store: dict[int, list[StockRow]] = {}
    for row in low_cover_rows():
        by_store.setdefault(row.store_id, []).append(row)
    today = timezone.localdate()
    sent = 0
    for store in Store.objects.filter(pk__in=by_store).select_related("org_unit__parent"):
        link = reverse("supplies:store_detail", args=[store.pk])
        if Notification.objects.filter(kind=KIND, link=link, created_at__date=today).exists():
            continue
        unit = store.org_unit
        recipients: list[User] = list(responsible_users_of(unit))
        if unit.parent is not None:
            recipients += list(responsible_users_of(unit.parent))
        lines = [
            _("%(item)s: %(quantity)s %(unit)s left, %(days)s days of cover (warned below %(threshold)s).")
            % {
                "item": row.item,
                "quantity": row.quantity,
                "unit": row.item.unit_of_measure,
                "days": row.days_of_cover,
                "threshold": row.item.cover_days_threshold,
            }
            for row in by_store[store.pk]
        ]
        sent += len(
            notification_send(
                recipients=recipients,
                kind=KIND,
                title=_("%(store)s is running low") % {"store": store.name},
                body="\n".join(lines),
                link=link,
                org_unit=unit,
            )
        )
    return sent
