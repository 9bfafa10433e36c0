"""Posts and their shifts (带班值班): creating and editing a post, planning a shift, checking in and out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.checkpoints.models import Post, Shift
from bastion.checkpoints.services.common import require
from bastion.core.models import OrgUnit, User
from bastion.core.selectors import users_covering
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain

MAX_SHIFT = dt.timedelta(hours=24)


def _check_staff(unit: OrgUnit, users: Iterable[User], field: str) -> list[User]:
    users = list(users)
    covering = set(users_covering(unit).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    strangers = [str(u) for u in users if u.pk not in covering]
    if strangers:
        raise ValidationError(
            {
                field: _("%(names)s may not work at %(unit)s: their scope does not hold it.")
                % {"names": ", ".join(strangers), "unit": unit.display_name}
            }
        )
    return users


@transaction.atomic
def post_save(
    *,
    by: User,
    post: Post | None,
    org_unit: OrgUnit,
    name: str,
    kind: str,
    location: str = "",
    hours: str = "",
    mode: str = Post.Mode.REGISTER_ALL,
    second_language: str = "",
    staff: Iterable[User] = (),
    is_active: bool = True,
) -> Post:
    """Create a post (``post=None``) or change one; a move to another unit needs the right on both units."""
    if post is None:
        require(by, "add_post", org_unit)
        post = Post()
    else:
        post = Post.objects.select_for_update().select_related("org_unit").get(pk=post.pk)
        require(by, "change_post", post.org_unit)
        require(by, "change_post", org_unit)
    name = plain(name)[:100]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the post a name.")
    elif Post.objects.filter(org_unit=org_unit, name=name).exclude(pk=post.pk).exists():
        errors["name"] = _("%(unit)s already has a post of this name.") % {"unit": org_unit.display_name}
    if kind not in Post.Kind.values:
        errors["kind"] = _("Choose the kind of post.")
    if mode not in Post.Mode.values:
        errors["mode"] = _("Choose how passages are registered.")
    if not org_unit.is_active:
        errors["org_unit"] = _("This unit is no longer active.")
    if errors:
        raise ValidationError(errors)
    members = _check_staff(org_unit, staff, "staff")
    created = post.pk is None
    post.org_unit, post.name, post.kind, post.mode = org_unit, name, kind, mode
    post.location, post.hours = plain(location)[:200], plain(hours)[:60]
    post.second_language, post.is_active = plain(second_language)[:10], is_active
    post.save()
    post.staff.set(members)
    audit_record(
        by=by,
        action="post.create" if created else "post.change",
        obj=post,
        org_unit=org_unit,
        summary={"name": name, "kind": kind, "mode": mode, "active": is_active, "staff": [u.pk for u in members]},
    )
    return post


@transaction.atomic
def shift_create(
    *,
    by: User,
    post: Post,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    lead: User | None = None,
    staff: Iterable[User] = (),
) -> Shift:
    require(by, "add_shift", post.org_unit)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("A shift ends after it starts.")
    elif ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = _("A shift lasts at most 24 hours.")
    if errors:
        raise ValidationError(errors)
    members = _check_staff(post.org_unit, staff, "staff")
    if lead is not None:
        _check_staff(post.org_unit, [lead], "lead")
    shift = Shift.objects.create(post=post, starts_at=starts_at, ends_at=ends_at, lead=lead)
    shift.staff.set(members)
    audit_record(
        by=by,
        action="shift.create",
        obj=shift,
        org_unit=post.org_unit,
        summary={"post": post.pk, "lead": lead.pk if lead else None, "staff": [u.pk for u in members]},
    )
    return shift


@transaction.atomic
def shift_check_in(*, by: User, shift: Shift, now: dt.datetime | None = None) -> Shift:
    shift = Shift.objects.select_for_update(of=("self",)).select_related("post__org_unit").get(pk=shift.pk)
    require(by, "change_shift", shift.post.org_unit)
    if shift.checked_in_at is not None:
        raise ValidationError(
            _("This shift checked in at %(at)s.") % {"at": f"{timezone.localtime(shift.checked_in_at):%H:%M}"}
        )
    shift.checked_in_at = now or timezone.now()
    shift.save(update_fields=["checked_in_at"])
    audit_record(by=by, action="shift.check_in", obj=shift, org_unit=shift.post.org_unit)
    return shift


@transaction.atomic
def shift_check_out(*, by: User, shift: Shift, now: dt.datetime | None = None) -> Shift:
    shift = Shift.objects.select_for_update(of=("self",)).select_related("post__org_unit").get(pk=shift.pk)
    require(by, "change_shift", shift.post.org_unit)
    if shift.checked_in_at is None:
        raise ValidationError(_("Check in before checking out."))
    if shift.checked_out_at is not None:
        raise ValidationError(
            _("This shift checked out at %(at)s.") % {"at": f"{timezone.localtime(shift.checked_out_at):%H:%M}"}
        )
    shift.checked_out_at = now or timezone.now()
    shift.save(update_fields=["checked_out_at"])
    audit_record(by=by, action="shift.check_out", obj=shift, org_unit=shift.post.org_unit)
    return shift
