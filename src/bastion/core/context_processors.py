from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bastion.core.roles import role_label
from bastion.core.selectors import unread_count

# (url name, label, permission needed or None)
NAVIGATION = [
    ("core:home", _("Home"), None),
    ("dashboard:board", _("Dashboard"), "dashboard.view_dailyfigure"),
    ("reporting:today", _("Reports"), "reporting.view_reportform"),
    ("reporting:immediate_list", _("Immediate reports"), "reporting.view_immediatereport"),
    ("residents:visit_list", _("My visits"), "residents.view_visittask"),
    ("residents:person_list", _("Residents"), "residents.view_person"),
    ("residents:campaign_list", _("Screening"), "residents.view_campaign"),
    ("observation:today", _("Observation"), "observation.view_observationcase"),
    ("observation:delivery_list", _("Deliveries"), "observation.view_deliveryrequest"),
    ("checkpoints:post_list", _("Checkpoints"), "checkpoints.view_post"),
    ("checkpoints:arrival_list", _("Arrivals to verify"), "checkpoints.view_arrival"),
    ("supplies:stock", _("Supplies"), "supplies.view_store"),
    ("supplies:donation_list", _("Donations"), "supplies.view_donation"),
    ("mobilization:overview", _("Mobilization"), "mobilization.view_responder"),
    ("mobilization:on_duty", _("On duty"), "mobilization.view_shift"),
    ("command:meeting_list", _("Command"), "command.view_meeting"),
    ("command:contacts_mine", _("Whom to call"), "command.view_liaison"),
    ("command:item_list", _("Action items"), "command.view_actionitem"),
    ("outreach:activity_list", _("Outreach"), "outreach.view_activity"),
    ("outreach:place_list", _("Inspections"), "outreach.view_place"),
    ("core:tree", _("Org units"), "core.view_orgunit"),
    ("core:institutions", _("Institutions"), "core.view_institution"),
    ("core:users", _("Accounts"), "core.manage_accounts"),
    ("core:audit", _("Audit log"), "core.view_auditevent"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": [(name, label) for name, label, perm in NAVIGATION if perm is None or user.has_perm(perm)],
        "unread_notifications": unread_count(user),
        "user_roles": ", ".join(role_label(g.name) for g in user.groups.all()),
        "user_scope": ", ".join(u.display_name for u in user.scope_units.all())
        if not user.is_superuser
        else _("everything"),
    }
