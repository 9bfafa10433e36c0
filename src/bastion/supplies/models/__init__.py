from bastion.supplies.models.money import Donation, Fund, FundEntry
from bastion.supplies.models.stock import (
    Balance,
    Batch,
    Distribution,
    Item,
    Movement,
    Store,
    SupplyRequest,
    Transfer,
)

__all__ = [
    "Balance",
    "Batch",
    "Distribution",
    "Donation",
    "Fund",
    "FundEntry",
    "Item",
    "Movement",
    "Store",
    "SupplyRequest",
    "Transfer",
]
