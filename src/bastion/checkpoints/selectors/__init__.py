"""Reads of posts, passages and arrivals, always within the user's scope.

A post's own staff (a role without ``view_all_passages``) see the passages of the posts they work at only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.core.models import OrgUnit, User
from bastion.core.prepared import PreparedRead
from bastion.core.scope import scoped, unit_in_scope
from bastion.residents.validation import plain


def posts_for_user(user: User, unit: OrgUnit | None = None) -> QuerySet[Post]:
    posts = scoped(Post.objects.all(), user, within=unit).select_related("org_unit")
    if not user.has_perm("checkpoints.view_all_passages"):
        posts = posts.filter(staff=user)
    return posts.order_by("org_unit__path", "name")


# A passage registration starts with this read: compiled once (``core.prepared``).
_POST = PreparedRead(lambda pk: Post.objects.select_related("org_unit").filter(pk=pk), pk=-7_300_000_001)
_STAFF_POST = PreparedRead(
    lambda pk, staff: Post.objects.select_related("org_unit").filter(pk=pk, staff=staff),
    pk=-7_300_000_001,
    staff=-7_300_000_002,
)


def post_get_for_user(user: User, post_id: int) -> Post:
    """The post, if ``posts_for_user`` lists it; else 404.

    The same rule, checked on the one row: the scope in Python from the unit's path, so a passage
    registration (which starts here) runs one short query, compiled once.
    """
    if user.has_perm("checkpoints.view_all_passages"):
        post = _POST.first(pk=post_id)
    else:
        post = _STAFF_POST.first(pk=post_id, staff=user.pk)
    if post is None or not unit_in_scope(user, post.org_unit):
        raise Http404("no such post in scope")
    return post


def passages_for_user(
    user: User,
    *,
    post: Post | None = None,
    unit: OrgUnit | None = None,
    day: dt.date | None = None,
    direction: str = "",
    exceptions_only: bool = False,
    q: str = "",
) -> QuerySet[Passage]:
    passages = scoped(Passage.objects.filter(counted_only=False), user, within=unit)
    if not user.has_perm("checkpoints.view_all_passages"):
        passages = passages.filter(post__staff=user)
    if post is not None:
        passages = passages.filter(post=post)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        passages = passages.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
    if direction in Passage.Direction.values:
        passages = passages.filter(direction=direction)
    if exceptions_only:
        passages = passages.filter(is_exception=True)
    text = plain(q)
    if text:
        passages = passages.filter(Q(name__startswith=text) | Q(plate__startswith=text.upper()))
    return passages.select_related("post", "to_unit", "arrival").order_by("-at", "-pk")


def passage_get_for_user(user: User, passage_id: int) -> Passage:
    return get_object_or_404(passages_for_user(user), pk=passage_id)


def arrivals_for_user(
    user: User, *, unit: OrgUnit | None = None, state: str = "pending", now: dt.datetime | None = None
) -> QuerySet[Arrival]:
    """The arrivals a unit must verify: pending (soonest deadline first), overdue, verified, or all."""
    arrivals = scoped(Arrival.objects.all(), user, within=unit)
    now = now or timezone.now()
    if state == "pending":
        arrivals = arrivals.filter(result=Arrival.Result.PENDING)
    elif state == "overdue":
        arrivals = arrivals.filter(result=Arrival.Result.PENDING, due_at__lt=now)
    elif state == "verified":
        arrivals = arrivals.exclude(result=Arrival.Result.PENDING)
    return arrivals.select_related("org_unit", "passage__post", "verified_by").order_by("result", "due_at", "pk")


def arrival_get_for_user(user: User, arrival_id: int) -> Arrival:
    return get_object_or_404(arrivals_for_user(user, state="all"), pk=arrival_id)


def day_counts(user: User, day: dt.date, unit: OrgUnit | None = None) -> list[dict[str, Any]]:
    """Per post: passages in and out on ``day`` (counted taps included), exceptions, arrivals created."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    window = Q(passages__at__gte=start, passages__at__lt=start + dt.timedelta(days=1))
    posts = posts_for_user(user, unit).annotate(
        passages_in=Count("passages", filter=window & Q(passages__direction=Passage.Direction.IN)),
        passages_out=Count("passages", filter=window & Q(passages__direction=Passage.Direction.OUT)),
        exceptions=Count("passages", filter=window & Q(passages__is_exception=True)),
        arrivals=Count("passages__arrival", filter=window),
    )
    return list(posts.values("pk", "name", "org_unit__name", "passages_in", "passages_out", "exceptions", "arrivals"))
