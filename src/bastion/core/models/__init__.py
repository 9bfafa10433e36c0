from bastion.core.models.accounts import ApiToken, User, UserScope
from bastion.core.models.audit import AuditEvent
from bastion.core.models.jobs import Job
from bastion.core.models.orgunits import Institution, OrgUnit, UnitContact

__all__ = ["ApiToken", "AuditEvent", "Institution", "Job", "OrgUnit", "UnitContact", "User", "UserScope"]
