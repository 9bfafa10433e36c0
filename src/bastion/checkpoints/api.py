"""The checkpoints API: posts with the day's counts, passage registration (with Idempotency-Key) and
counting taps, the passages, arrivals to verify and their verification, the day's figures per post.

ID and phone numbers never leave in clear through this API: a passage shows them masked.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated
operation in the pagination module's namespace, where ``dt`` and ``Query`` are not defined.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.checkpoints import selectors
from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.services.arrivals import arrival_verify
from bastion.checkpoints.services.passages import EXTRA_PREFIX, passage_count, passage_record
from bastion.core.api import require_perm, unit_asked
from bastion.core.models import OrgUnit, User
from bastion.core.prepared import PreparedRead
from bastion.reporting.api import IdempotencyKey
from bastion.residents.selectors import is_personal_number

router = Router(tags=["checkpoints"])

ARRIVAL_STATES = ("pending", "overdue", "verified", "all")
# What registering a passage reads of its destination: checked (active, in the county) and shown (its name).
TO_UNIT_FIELDS = ("pk", "name", "short_name", "path", "is_active", "kind")
_DESTINATION = PreparedRead(
    lambda pk: OrgUnit.objects.filter(pk=pk, is_active=True).only(*TO_UNIT_FIELDS), pk=-7_300_000_003
)


class DayCountsOut(Schema):
    passages_in: int = Field(description="counted taps included")
    passages_out: int
    exceptions: int
    arrivals: int = Field(description="arrivals handed to the villages by the day's passages")


class PostOut(Schema):
    id: int
    name: str
    kind: str
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    location: str
    hours: str
    mode: str = Field(description="register_all, or exceptions: count everyone, register only exceptions")
    is_active: bool


class PostDetailOut(PostOut):
    day: dt.date
    today: DayCountsOut


class ArrivalBriefOut(Schema):
    id: int
    unit_id: int = Field(alias="org_unit_id")
    unit_name: str = Field(alias="org_unit.display_name")
    due_at: dt.datetime = Field(description="verify by")
    result: str = Field(description=", ".join(Arrival.Result.values))
    verified_at: dt.datetime | None


class PassageOut(Schema):
    """A passage, its numbers masked; the confirmation code is what a traveller shows at the post."""

    id: int
    post_id: int
    post_name: str = Field(alias="post.name")
    direction: str
    at: dt.datetime
    name: str
    masked_id_number: str
    masked_phone: str
    plate: str
    from_region: str
    from_division_code: str
    to_unit_id: int | None
    to_unit_name: str | None = Field(None, alias="to_unit.display_name")
    to_outside: str
    purpose: str
    temperature: Decimal | None
    is_exception: bool
    exception_reasons: list[str] = Field(description="risk_area, fever, arrival")
    self_registered: bool
    confirmation_code: str
    extra: dict[str, str | bool] = Field(description="the other fields, by code; numbers as their exact text")
    arrival: ArrivalBriefOut | None

    @staticmethod
    def resolve_arrival(obj: Passage) -> Arrival | None:
        try:
            return obj.arrival
        except Arrival.DoesNotExist:
            return None


class ArrivalOut(ArrivalBriefOut):
    overdue: bool = Field(alias="is_overdue")
    note: str
    passage_id: int
    post_name: str = Field(alias="passage.post.name")
    name: str = Field(alias="passage.name")
    masked_phone: str = Field(alias="passage.masked_phone")
    from_region: str = Field(alias="passage.from_region")
    arrived_at: dt.datetime = Field(alias="passage.at")


class DayRowOut(DayCountsOut):
    post_id: int
    post_name: str
    unit_name: str


class PassageIn(Schema):
    direction: str = Field(description="in or out")
    name: str = ""
    id_number: str = ""
    phone: str = ""
    plate: str = ""
    from_region: str = ""
    from_division_code: str = Field("", description="such as 420100; a risk area's passages are exceptions")
    to_unit_id: int | None = Field(None, description="the unit of the county the person goes to")
    to_outside: str = Field("", description="where outside the county, when no unit")
    purpose: str = ""
    temperature: Decimal | None = Field(None, description="°C")
    at: dt.datetime | None = Field(None, description="default: now")
    extra: dict[str, str | bool | int | float | None] = Field(
        default_factory=dict,
        description="the other fields configured for passages, by code: text, a number, or yes/no (true or false)",
    )


class CountIn(Schema):
    direction: str = Field(description="in or out")


class CountOut(Schema):
    id: int
    post_id: int
    direction: str
    at: dt.datetime
    today: DayCountsOut


class VerifyIn(Schema):
    result: str = Field(description="at_home, not_found or observation")
    note: str = Field("", description="required when the person was not found")


def _api_key(field: str) -> str:
    """The service names the model's fields and the forms' (``to_unit``, ``extra_<code>``); the client sent
    ``to_unit_id`` and ``extra.<code>``."""
    if field == "to_unit":
        return "to_unit_id"
    return f"extra.{field.removeprefix(EXTRA_PREFIX)}" if field.startswith(EXTRA_PREFIX) else field


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.make_aware(at) if at is not None and timezone.is_naive(at) else at


def _today_of(user: User, post: Post, day: dt.date) -> dict[str, int]:
    """The post's counts on ``day``, from the same figures as the day's page."""
    row = next((r for r in selectors.day_counts(user, day, post.org_unit) if r["pk"] == post.pk), None)
    keys = ("passages_in", "passages_out", "exceptions", "arrivals")
    return {key: row[key] if row else 0 for key in keys}


@router.get("/checkpoints/posts", response=list[PostOut])
@paginate(PageNumberPagination, page_size=50)
def list_posts(request: HttpRequest, unit: int | None = None):  # type: ignore[no-untyped-def]
    """The posts in scope below ``unit``; a post's own staff see the posts they work at."""
    user = require_perm(request, "checkpoints.view_post")
    return selectors.posts_for_user(user, unit_asked(user, unit))


class _PostOfTheDay:
    """A post seen with the counts of one day."""

    def __init__(self, post: Post, day: dt.date, today: dict[str, int]) -> None:
        self.post, self.day, self.today = post, day, today

    def __getattr__(self, name: str) -> Any:
        return getattr(self.post, name)


@router.get("/checkpoints/posts/{post_id}", response=PostDetailOut)
def get_post(request: HttpRequest, post_id: int) -> _PostOfTheDay:
    """The post with today's passages in and out, exceptions and arrivals."""
    user = require_perm(request, "checkpoints.view_post")
    post = selectors.post_get_for_user(user, post_id)
    today = timezone.localdate()
    return _PostOfTheDay(post, today, _today_of(user, post, today))


@router.post("/checkpoints/posts/{post_id}/passages", response={201: PassageOut})
def register_passage(
    request: HttpRequest, post_id: int, payload: PassageIn, idempotency_key: IdempotencyKey = None
) -> Status[Any]:
    """Register one person passing; send an ``Idempotency-Key`` header so that a retry, even one sent
    while the first is still on its way, returns the first passage. An inbound passage to a unit of the
    county from outside it or from a risk area hands an arrival to that unit, to verify within 24 hours."""
    user = require_perm(request, "checkpoints.add_passage")
    post = selectors.post_get_for_user(user, post_id)
    to_unit = None
    if payload.to_unit_id:
        # A duty officer sends people to any village of the county, so the unit is not looked up in
        # the caller's scope; the service refuses one outside the post's county.
        to_unit = _DESTINATION.first(pk=payload.to_unit_id)
        if to_unit is None:
            raise ValidationError({"to_unit_id": _("Choose a unit of the county, or write where outside it.")})
    try:
        passage = passage_record(
            by=user,
            post=post,
            to_unit=to_unit,
            at=_aware(payload.at),
            idempotency_key=idempotency_key,
            **payload.dict(exclude={"to_unit_id", "at"}),
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # The service names the model field; the client sent to_unit_id.
        raise ValidationError({_api_key(k): v for k, v in exc.message_dict.items()}) from exc
    return Status(201, passage)


@router.post("/checkpoints/posts/{post_id}/count", response={201: CountOut})
def count_passage(request: HttpRequest, post_id: int, payload: CountIn) -> Status[Any]:
    """Counting mode: one tap counts one person in or out, with no personal data; answers the day's counts."""
    user = require_perm(request, "checkpoints.add_passage")
    post = selectors.post_get_for_user(user, post_id)
    passage = passage_count(by=user, post=post, direction=payload.direction)
    today = timezone.localdate()
    return Status(
        201,
        {
            "id": passage.pk,
            "post_id": post.pk,
            "direction": passage.direction,
            "at": passage.at,
            "today": _today_of(user, post, today),
        },
    )


class PassageFilters(Schema):
    post: int | None = Field(None, description="a post id")
    unit: int | None = Field(None, description="posts below this unit id")
    day: dt.date | None = None
    direction: str = Field("", description="in or out")
    exceptions: bool = Field(False, description="exceptions only")
    q: str = Field("", description="the start of a name or a plate; numbers never go in the address")


@router.get("/checkpoints/passages", response=list[PassageOut])
@paginate(PageNumberPagination, page_size=50)
def list_passages(request: HttpRequest, filters: Query[PassageFilters]):  # type: ignore[no-untyped-def]
    """Registered passages in scope, newest first; counting taps are figures, not registrations."""
    user = require_perm(request, "checkpoints.view_passage")
    if is_personal_number(filters.q):
        raise ValidationError({"q": [_("Search by name or plate; numbers never go in the address.")]})
    return selectors.passages_for_user(
        user,
        post=selectors.post_get_for_user(user, filters.post) if filters.post else None,
        unit=unit_asked(user, filters.unit),
        day=filters.day,
        direction=filters.direction,
        exceptions_only=filters.exceptions,
        q=filters.q,
    )


@router.get("/checkpoints/passages/{passage_id}", response=PassageOut)
def get_passage(request: HttpRequest, passage_id: int) -> Passage:
    return selectors.passage_get_for_user(require_perm(request, "checkpoints.view_passage"), passage_id)


@router.get("/checkpoints/arrivals", response=list[ArrivalOut])
@paginate(PageNumberPagination, page_size=50)
def list_arrivals(request: HttpRequest, state: str = "pending", unit: int | None = None):  # type: ignore[no-untyped-def]
    """The arrivals to verify below ``unit``: ``state`` pending (soonest deadline first), overdue, verified or all."""
    user = require_perm(request, "checkpoints.view_arrival")
    if state not in ARRIVAL_STATES:
        raise ValidationError({"state": [_("Choose pending, overdue, verified or all.")]})
    return selectors.arrivals_for_user(user, unit=unit_asked(user, unit), state=state)


@router.post("/checkpoints/arrivals/{arrival_id}/verify", response=ArrivalOut)
def verify_arrival(request: HttpRequest, arrival_id: int, payload: VerifyIn) -> Arrival:
    """The village's result, linked back to the passage: verified at home, not found (say what was done),
    or home observation started (opens the observation case)."""
    user = require_perm(request, "checkpoints.change_arrival")
    arrival = selectors.arrival_get_for_user(user, arrival_id)
    arrival_verify(by=user, arrival=arrival, result=payload.result, note=payload.note)
    return selectors.arrival_get_for_user(user, arrival_id)


class DayQuery(Schema):
    day: dt.date | None = Field(None, description="default: today")
    unit: int | None = Field(None, description="posts below this unit id")


@router.get("/checkpoints/day", response=list[DayRowOut])
def day_figures(request: HttpRequest, query: Query[DayQuery]) -> list[dict[str, Any]]:
    """Per post in scope on the day: passages in and out (counted taps included), exceptions, arrivals."""
    user = require_perm(request, "checkpoints.view_passage")
    rows = selectors.day_counts(user, query.day or timezone.localdate(), unit_asked(user, query.unit))
    return [row | {"post_id": row["pk"], "post_name": row["name"], "unit_name": row["org_unit__name"]} for row in rows]
