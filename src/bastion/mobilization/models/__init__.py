"""Mobilization (党员干部动员): the register of responders, batches that report to units, secondments,
teams, county leaders' units and the duty rosters (shared with the checkpoints' posts)."""

from bastion.mobilization.models.people import (
    Assignment,
    Batch,
    DutyType,
    LeaderAssignment,
    Responder,
    ResponderCategory,
    Secondment,
    Team,
    TeamKind,
)
from bastion.mobilization.models.roster import WEEKDAYS, Shift, ShiftPattern, ShiftTurn, SwapRequest

__all__ = [
    "WEEKDAYS",
    "Assignment",
    "Batch",
    "DutyType",
    "LeaderAssignment",
    "Responder",
    "ResponderCategory",
    "Secondment",
    "Shift",
    "ShiftPattern",
    "ShiftTurn",
    "SwapRequest",
    "Team",
    "TeamKind",
]
