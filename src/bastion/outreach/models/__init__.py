from bastion.outreach.models.activities import Activity, Channel, TargetGroup
from bastion.outreach.models.gatherings import Gathering
from bastion.outreach.models.notices import Notice, NoticeVersion
from bastion.outreach.models.places import (
    ChecklistItem,
    Disinfection,
    Inspection,
    InspectionAnswer,
    Place,
    PlaceKind,
)

__all__ = [
    "Activity",
    "Channel",
    "ChecklistItem",
    "Disinfection",
    "Gathering",
    "Inspection",
    "InspectionAnswer",
    "Notice",
    "NoticeVersion",
    "Place",
    "PlaceKind",
    "TargetGroup",
]
