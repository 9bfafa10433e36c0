"""The scope harness: every URL and API operation, walked as a user of village A
who holds every permission, with the ids of village B's records.

Every later app plugs in by adding, for each new URL keyword argument or API
path parameter, a builder of an out-of-scope object in ``OUT_OF_SCOPE``. A URL
with an argument the harness does not know fails the harness: nothing new can
slip past it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from bastion.core.models import AuditEvent, Institution, Job, OrgUnit, UnitContact, UserScope
from bastion.core.services.accounts import token_create
from bastion.core.services.orgunits import contact_create
from tests import factories

# Text that only village B's records contain: it must never reach the insider.
B_MARKERS = ("沈家沟", "东城镇", "charlie")

# Builders of an object of village B for each URL kwarg / API path parameter.
OUT_OF_SCOPE: dict[str, Callable[[Any], int]] = {}


def out_of_scope(name: str) -> Callable[[Callable[[Any], int]], Callable[[Any], int]]:
    def register(builder: Callable[[Any], int]) -> Callable[[Any], int]:
        OUT_OF_SCOPE[name] = builder
        return builder

    return register


@dataclass
class Outsider:
    """Village B's side of the world, with the records the harness points at."""

    world: Any
    cadre: Any


@out_of_scope("unit_id")
def _unit(b: Outsider) -> int:
    return int(b.world.village_b.pk)


@out_of_scope("institution_id")
def _institution(b: Outsider) -> int:
    return int(b.world.clinic_b.pk)


@out_of_scope("contact_id")
def _contact(b: Outsider) -> int:
    return contact_create(
        by=b.cadre, org_unit=b.world.village_b, name="沈家沟联系人", title="十户长", phone="13800000000"
    ).pk


@out_of_scope("user_id")
def _user(b: Outsider) -> int:
    return int(b.cadre.pk)


@out_of_scope("token_id")
def _token(b: Outsider) -> int:
    return token_create(by=b.cadre, name="沈家沟 phone")[0].pk


@out_of_scope("job_id")
def _job(b: Outsider) -> int:
    return Job.objects.create(kind="orgunit_import", created_by=b.cadre, org_unit=b.world.village_b).pk


@out_of_scope("form_id")
def _report_form(b: Outsider) -> int:
    from tests.reporting.conftest import daily_form

    return daily_form(b.world.township_b, code="b-daily").pk


@out_of_scope("indicator_id")
def _indicator(b: Outsider) -> int:
    from bastion.reporting.models import Indicator

    if not Indicator.objects.filter(form__code="b-daily").exists():
        _report_form(b)
    return int(Indicator.objects.filter(form__code="b-daily").values_list("pk", flat=True)[0])


@out_of_scope("immediate_id")
def _immediate(b: Outsider) -> int:
    from bastion.reporting.models import IncidentCategory
    from bastion.reporting.services.immediate import immediate_report_file

    return immediate_report_file(
        by=b.cadre,
        org_unit=b.world.village_b,
        category=IncidentCategory.objects.get(code="suspected_case"),
        description="沈家沟发热一人",
    ).pk


@out_of_scope("notification_id")
def _notification(b: Outsider) -> int:
    from bastion.core.services.notifications import notification_send

    return notification_send(recipients=[b.cadre], kind="test", title="沈家沟 notice")[0].pk


@out_of_scope("webhook_id")
def _webhook(b: Outsider) -> int:
    from bastion.core.models import UnitWebhook

    return UnitWebhook.objects.create(
        org_unit=b.world.village_b, flavour="wecom", label="沈家沟群", url="http://127.0.0.1:9/hook"
    ).pk


def _campaign_of_b(b: Outsider) -> Any:
    """A campaign of township B with its first round open: one task, for 沈家沟人 in village B."""
    from bastion.residents.models import Campaign
    from bastion.residents.services.screening import campaign_create, round_open

    campaign = Campaign.objects.filter(name="沈家沟排查").first()
    if campaign is None:
        factories.person(b.world.village_b, "沈家沟人", phone="13800000001")
        admin = factories.account("county_admin", b.world.township_b, username="charlie-hq")
        campaign = campaign_create(by=admin, org_unit=b.world.township_b, name="沈家沟排查", round_count=2)
        round_open(by=admin, screening_round=campaign.rounds.get(number=1))
    return campaign


@out_of_scope("person_id")
def _person(b: Outsider) -> int:
    from bastion.residents.models import Person

    _campaign_of_b(b)
    return int(Person.objects.get(name="沈家沟人").pk)


@out_of_scope("household_id")
def _household(b: Outsider) -> int:
    from bastion.residents.models import Household

    return Household.objects.create(org_unit=b.world.village_b, address="沈家沟一组").pk


@out_of_scope("campaign_id")
def _campaign(b: Outsider) -> int:
    return int(_campaign_of_b(b).pk)


@out_of_scope("round_id")
def _round(b: Outsider) -> int:
    return int(_campaign_of_b(b).rounds.get(number=2).pk)


@out_of_scope("task_id")
def _task(b: Outsider) -> int:
    return int(_campaign_of_b(b).rounds.get(number=1).tasks.get().pk)


@out_of_scope("kind")
def _checklist(b: Outsider) -> str:  # type: ignore[misc]
    """County-wide lists: a user scoped below the top of the tree may not change them."""
    return "symptoms"


@out_of_scope("item_id")
def _checklist_item(b: Outsider) -> int:
    from bastion.residents.models import Symptom

    return int(Symptom.objects.get(code="fever").pk)


def _case_of_b(b: Outsider) -> Any:
    """An active observation case of 沈家沟人, with a hospital of township B marked as designated."""
    from bastion.observation.models import ObservationCase

    case = ObservationCase.objects.filter(person__name="沈家沟人").first()
    if case is None:
        _campaign_of_b(b)
        from bastion.residents.models import Person

        case = factories.observation_case(Person.objects.get(name="沈家沟人"))
        factories.designated_hospital(b.world.township_b, "县定点医院")
    return case


@out_of_scope("case_id")
def _case(b: Outsider) -> int:
    return int(_case_of_b(b).pk)


@out_of_scope("referral_id")
def _referral(b: Outsider) -> int:
    from django.utils import timezone

    from bastion.core.models import Institution
    from bastion.observation.models import Referral

    case = _case_of_b(b)
    hospital = Institution.objects.get(name="县定点医院")
    referral, _created = Referral.objects.get_or_create(
        case=case,
        defaults={"hospital": hospital, "transport": "ambulance", "handover": "沈家沟", "referred_at": timezone.now()},
    )
    return int(referral.pk)


@out_of_scope("site_id")
def _site(b: Outsider) -> int:
    from bastion.observation.models import IsolationSite

    site, _created = IsolationSite.objects.get_or_create(
        org_unit=b.world.township_b, name="东城镇隔离点", defaults={"rooms": 10, "capacity": 10}
    )
    return int(site.pk)


@out_of_scope("delivery_id")
def _delivery(b: Outsider) -> int:
    from django.utils import timezone

    from bastion.observation.models import DeliveryRequest

    case = _case_of_b(b)
    request, _created = DeliveryRequest.objects.get_or_create(
        person=case.person, defaults={"org_unit": case.org_unit, "case": case, "requested_at": timezone.now()}
    )
    return int(request.pk)


@out_of_scope("care_id")
def _care(b: Outsider) -> int:
    from bastion.observation.models import CarePerson

    person = _case_of_b(b).person
    care, _created = CarePerson.objects.get_or_create(person=person, defaults={"org_unit": person.org_unit})
    return int(care.pk)


def _post_of_b(b: Outsider) -> Any:
    """A highway-exit post of township B, one arrival registered there for 沈家沟村 from Wuhan."""
    from bastion.checkpoints.models import Post
    from bastion.checkpoints.services.passages import passage_record

    post = Post.objects.filter(name="沈家沟卡点").first()
    if post is None:
        post = Post.objects.create(org_unit=b.world.township_b, name="沈家沟卡点", kind="highway_exit")
        passage_record(
            by=None,
            post=post,
            direction="in",
            name="沈家沟来人",
            phone="13800000002",
            from_region="武汉市",
            from_division_code="420100",
            to_unit=b.world.village_b,
        )
    return post


@out_of_scope("post_id")
def _post(b: Outsider) -> int:
    return int(_post_of_b(b).pk)


@out_of_scope("passage_id")
def _passage(b: Outsider) -> int:
    return int(_post_of_b(b).passages.get().pk)


@out_of_scope("arrival_id")
def _arrival(b: Outsider) -> int:
    return int(_post_of_b(b).passages.get().arrival.pk)


# URL names outside the harness, each with its reason.
EXEMPT_URL_NAMES = {
    "login": "public: the sign-in page",
    "logout": "only ends the caller's own session",
    "set_language": "public: the language switch",
    "javascript_catalog": "public: translations for scripts",
}
# Public pages of an app, by full name, each with its reason; their own tests cover them.
PUBLIC_URL_NAMES = {
    "checkpoints:self_register": "public: a traveller's own registration, bound to a post and a day by a signed token",
    "checkpoints:self_register_done": "public: the confirmation a traveller shows at the post, found by a signed token",
    "mobilization:check_in": "public: a responder's check-in by phone number, bound to a unit by a signed code",
    "supplies:public_donations": "public: a unit's donations for anyone to read, anonymous donors shown as anonymous",
    "outreach:public_unit": "public: a unit's current notices (its own and those of the units above it), no author",
    "outreach:public_notice": "public: one current notice on a unit's public page, no author",
}
PUBLIC_API_PATHS = {"/api/v1/health": "public: no data, a load balancer's check"}
EXEMPT_NAMESPACES = {
    "admin": "Django admin: superusers only (is_staff is never given to scoped users); tested separately",
    "api": "walked through the OpenAPI schema instead",
}


def url_patterns() -> Iterator[tuple[str, list[str]]]:
    """(name to reverse, keyword argument names) for every named URL of the project."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, list[str]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXEMPT_NAMESPACES:
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                if (entry.name in EXEMPT_URL_NAMES and not namespace) or f"{namespace}{entry.name}" in PUBLIC_URL_NAMES:
                    continue
                converters = getattr(entry.pattern, "converters", {})
                fixed = set((entry.default_args or {}).keys())
                yield f"{namespace}{entry.name}", [k for k in converters if k not in fixed]

    yield from walk(get_resolver().url_patterns, "")


def snapshot_of_b(world: Any) -> dict[str, Any]:
    """What must not change when the insider aims at village B."""
    low, high = world.township_b.subtree_bounds
    in_b = {"org_unit__path__gte": low, "org_unit__path__lt": high}
    return {
        "units": list(
            OrgUnit.objects.filter(path__gte=low, path__lt=high).values_list("pk", "name", "path", "is_active", "kind")
        ),
        "institutions": list(Institution.objects.filter(**in_b).values_list("pk", "name", "kind", "is_active")),
        "contacts": list(UnitContact.objects.filter(**in_b).values_list("pk", "name")),
        "scopes": list(UserScope.objects.filter(**in_b).values_list("pk", "user_id", "org_unit_id")),
        "audit": AuditEvent.objects.filter(org_path__gte=low, org_path__lt=high).count(),
        "tokens": list(b_tokens(world)),
        **reporting_of_b(world, in_b),
        **residents_of_b(in_b),
        **observation_of_b(in_b),
        **checkpoints_of_b(in_b),
        **_supplies_harness.supplies_of_b(in_b),
        **mobilization_of_b(in_b),
        **_command_actions_harness.command_actions_of_b(in_b),
        **_command_structure_harness.command_structure_of_b(in_b),
        **_outreach_notices_harness.notices_of_b(in_b),
        **_outreach_activities_harness.activities_of_b(in_b),
        **_outreach_places_harness.places_of_b(in_b),
    }


def checkpoints_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    from bastion.checkpoints.models import Arrival, Passage, Post

    return {
        "posts": list(Post.objects.filter(**in_b).values_list("pk", "name", "mode", "is_active")),
        "passages": Passage.objects.filter(**in_b).count(),
        "arrivals": list(Arrival.objects.filter(**in_b).values_list("pk", "result", "verified_at")),
    }


def observation_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    from bastion.observation.models import (
        CarePerson,
        DeliveryRequest,
        HealthCheck,
        IsolationSite,
        ObservationCase,
        Referral,
    )

    return {
        "cases": list(
            ObservationCase.objects.filter(**in_b).values_list("pk", "status", "planned_end", "org_unit", "cadre")
        ),
        "checks": HealthCheck.objects.filter(**in_b).count(),
        "referrals": list(
            Referral.objects.filter(**{f"case__{k}": v for k, v in in_b.items()}).values_list("pk", "acknowledged_at")
        ),
        "sites": list(IsolationSite.objects.filter(**in_b).values_list("pk", "name", "capacity", "is_active")),
        "deliveries": list(DeliveryRequest.objects.filter(**in_b).values_list("pk", "status", "assignee_name")),
        "care": list(CarePerson.objects.filter(**in_b).values_list("pk", "needs", "next_contact_due", "is_active")),
    }


def residents_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    from bastion.residents.models import Campaign, Household, Person, ScreeningRound, Visit, VisitTask

    return {
        "persons": list(Person.objects.filter(**in_b).values_list("pk", "name", "updated_at", "merged_into")),
        "households": list(Household.objects.filter(**in_b).values_list("pk", "address", "head")),
        "campaigns": list(Campaign.objects.filter(**in_b).values_list("pk", "name")),
        "rounds": list(
            ScreeningRound.objects.filter(**{f"campaign__{k}": v for k, v in in_b.items()}).values_list("pk", "status")
        ),
        "tasks": list(VisitTask.objects.filter(**in_b).values_list("pk", "outcome", "accounted", "exception_reason")),
        "visits": Visit.objects.filter(**in_b).count(),
    }


def reporting_of_b(world: Any, in_b: dict[str, str]) -> dict[str, Any]:
    from bastion.core.models import Notification, UnitWebhook
    from bastion.reporting.models import ImmediateReport, Indicator, Report, ReportForm

    owner_in_b = {k.replace("org_unit", "owner_unit"): v for k, v in in_b.items()}
    return {
        "forms": list(
            ReportForm.objects.filter(**owner_in_b).values_list("pk", "names", "version", "is_active", "levels")
        ),
        "indicators": list(
            Indicator.objects.filter(**{f"form__{k}": v for k, v in owner_in_b.items()}).values_list(
                "pk", "names", "retired_in", "min_value", "max_value"
            )
        ),
        "reports": list(Report.objects.filter(**in_b).values_list("pk", "is_zero", "updated_at")),
        "immediate": list(
            ImmediateReport.objects.filter(**in_b).values_list("pk", "state", "acknowledged_at", "outcome")
        ),
        "webhooks": list(UnitWebhook.objects.filter(**in_b).values_list("pk", "label", "is_active", "last_status")),
        "notifications": list(
            Notification.objects.filter(recipient__scopes__org_unit=world.village_b).values_list("pk", "read_at")
        ),
    }


def b_tokens(world: Any) -> Iterator[tuple[int, Any]]:
    from bastion.core.models import ApiToken

    for token in ApiToken.objects.filter(user__scopes__org_unit=world.village_b):
        yield token.pk, token.revoked_at


def insider_with_every_permission(world: Any) -> Any:
    """A user of village A whose role holds every permission: only the scope stands in the way."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name="harness_everything")
    group.permissions.set(Permission.objects.all())
    user = factories.account("observer", world.village_a, username="insider")
    user.groups.add(group)
    return user


from tests.command import harness_actions as _command_actions_harness  # noqa: E402
from tests.command import harness_structure as _command_structure_harness  # noqa: E402
from tests.command import harness_worklog as _command_worklog_harness  # noqa: E402, F401  (registers its builder)
from tests.dashboard import harness as _dashboard_harness  # noqa: E402, F401
from tests.mobilization.harness import mobilization_of_b  # noqa: E402  (registers its builders)
from tests.outreach import harness_activities as _outreach_activities_harness  # noqa: E402
from tests.outreach import harness_notices as _outreach_notices_harness  # noqa: E402
from tests.outreach import harness_places as _outreach_places_harness  # noqa: E402
from tests.supplies import harness as _supplies_harness  # noqa: E402
