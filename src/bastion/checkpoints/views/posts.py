"""Posts (卡点): the list with today's figures, creating and editing a post, its page with today's shifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints import selectors
from bastion.checkpoints.forms import PostForm
from bastion.checkpoints.models import Post
from bastion.checkpoints.services import posts as services
from bastion.core import selectors as core_selectors
from bastion.core.models import User
from bastion.core.scope import scoped
from bastion.core.views.helpers import (
    AuthedRequest,
    date_asked,
    form_submit,
    paginate,
    query_without_page,
    unit_asked_for,
)
from bastion.core.views.transfer import _dated, _xlsx
from bastion.mobilization.selectors import shifts_for_user
from bastion.observation.exports import table_workbook

EMPTY_COUNTS = {"passages_in": 0, "passages_out": 0, "exceptions": 0, "arrivals": 0}
LATEST = 10


@login_required
@permission_required("checkpoints.view_post", raise_exception=True)
def post_list(request: AuthedRequest) -> HttpResponse:
    """Posts in scope with a day's passages in and out, exceptions and arrivals handed to villages (today unless
    ``day`` asks for another)."""
    unit = unit_asked_for(request)
    kind = request.GET.get("kind", "")
    posts = selectors.posts_for_user(request.user, unit)
    if kind in Post.Kind.values:
        posts = posts.filter(kind=kind)
    today = timezone.localdate()
    asked = date_asked(request, "day")
    day = asked if asked is not None and asked <= today else today  # no figures of days to come
    counts = {row["pk"]: row for row in selectors.day_counts(request.user, day, unit)}
    if request.GET.get("format") == "xlsx":
        return _posts_export(posts, counts, day)
    page = paginate(request, posts)
    return render(
        request,
        "checkpoints/post_list.html",
        {
            "page": page,
            "rows": [(post, counts.get(post.pk, EMPTY_COUNTS)) for post in page],
            "query": query_without_page(request),
            "unit": unit,
            "kind": kind,
            "kinds": Post.Kind.choices,
            "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
            "today": day,
        },
    )


def _posts_export(posts: QuerySet[Post], counts: dict[int, dict[str, Any]], day: dt.date) -> HttpResponse:
    header = [
        _("Unit"),
        _("Name"),
        _("Kind"),
        _("Location"),
        _("Hours"),
        _("Registration"),
        _("Active"),
        _("Day"),
        _("In"),
        _("Out"),
        _("Exceptions"),
        _("Arrivals"),
    ]
    rows = (
        [
            post.org_unit.display_name,
            post.name,
            post.get_kind_display(),
            post.location,
            post.hours,
            post.get_mode_display(),
            _("yes") if post.is_active else _("no"),
            day,
            *(counts.get(post.pk, EMPTY_COUNTS)[k] for k in ("passages_in", "passages_out", "exceptions", "arrivals")),
        ]
        for post in posts
    )
    return _xlsx(table_workbook(_("Checkpoints"), header, rows), _dated("checkpoints"))


def _staff_candidates(request: AuthedRequest, post: Post | None) -> QuerySet[User]:
    """Who may be put on the post: accounts whose scope holds its unit; for a new post, accounts in one's scope."""
    if post is not None:
        return core_selectors.users_covering(post.org_unit)
    users = scoped(User.objects.filter(is_active=True), request.user, "scopes__org_unit")
    return users.distinct().order_by("username")


def _post_form(request: AuthedRequest, post: Post | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if post is not None:
        fields = ("org_unit", "name", "kind", "location", "hours", "mode", "second_language", "is_active")
        initial = {f: getattr(post, f) for f in fields} | {"staff": list(post.staff.all())}
    form = PostForm(
        request.POST or None,
        units=core_selectors.orgunit_choices_for_user(request.user, levels=3),
        staff=_staff_candidates(request, post),
        initial=initial,
    )
    saved = form_submit(request, form, lambda data: services.post_save(by=request.user, post=post, **data))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("checkpoints:post_detail", post_id=saved.pk)
    return render(
        request,
        "checkpoints/post_form.html",
        {"form": form, "post": post, "title": post.name if post else _("New checkpoint")},
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required("checkpoints.add_post", raise_exception=True)
def post_new(request: AuthedRequest) -> HttpResponse:
    return _post_form(request, None)


@login_required
@permission_required("checkpoints.change_post", raise_exception=True)
def post_edit(request: AuthedRequest, post_id: int) -> HttpResponse:
    return _post_form(request, selectors.post_get_for_user(request.user, post_id))


@login_required
@permission_required("checkpoints.view_post", raise_exception=True)
def post_detail(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_user(request.user, post_id)
    today = timezone.localdate()
    figures = next(
        (row for row in selectors.day_counts(request.user, today, post.org_unit) if row["pk"] == post.pk),
        EMPTY_COUNTS,
    )
    passages = (
        list(selectors.passages_for_user(request.user, post=post)[:LATEST])
        if request.user.has_perm("checkpoints.view_passage")
        else []
    )
    shifts = (
        list(shifts_for_user(request.user, post_id=post.pk, first=today, days=2))
        if request.user.has_perm("mobilization.view_shift")
        else []
    )
    return render(
        request,
        "checkpoints/post_detail.html",
        {
            "post": post,
            "figures": figures,
            "passages": passages,
            "shifts": shifts,
            "staff": list(post.staff.all()),
            "today": today,
        },
    )


urlpatterns = [
    path("", post_list, name="post_list"),
    path("new/", post_new, name="post_new"),
    path("<int:post_id>/", post_detail, name="post_detail"),
    path("<int:post_id>/edit/", post_edit, name="post_edit"),
]
