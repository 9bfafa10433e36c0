from bastion.core.models.accounts import ApiToken, User, UserScope
from bastion.core.models.audit import AuditEvent
from bastion.core.models.jobs import Job
from bastion.core.models.notifications import Notification, UnitWebhook
from bastion.core.models.orgunits import Institution, OrgUnit, UnitContact

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Institution",
    "Job",
    "Notification",
    "OrgUnit",
    "UnitContact",
    "UnitWebhook",
    "User",
    "UserScope",
]
