from bastion.command.models.actions import ActionItem, ActionNote, Weakness
from bastion.command.models.meetings import Attendance, Decision, Meeting, MeetingKind
from bastion.command.models.structure import AREAS, CommandPost, Liaison, PostMember, WorkingGroup
from bastion.command.models.worklog import WorkLog, WorkLogAmendment

__all__ = [
    "AREAS",
    "ActionItem",
    "ActionNote",
    "Attendance",
    "CommandPost",
    "Decision",
    "Liaison",
    "Meeting",
    "MeetingKind",
    "PostMember",
    "Weakness",
    "WorkLog",
    "WorkLogAmendment",
    "WorkingGroup",
]
