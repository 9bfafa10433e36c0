"""Posts: creating and editing a post. Their duty shifts are the Mobilization app's rosters."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bastion.checkpoints.models import Post
from bastion.checkpoints.services.common import require
from bastion.core.models import OrgUnit, User
from bastion.core.selectors import users_covering
from bastion.core.services.audit import audit_record
from bastion.residents.validation import plain


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
