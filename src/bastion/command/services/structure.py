"""Writes of the command structure: command posts, their members, working groups and liaisons.

Nothing here deletes: a member who leaves and a liaison replaced get an end date, and their successor is a new
row, so the history of who held which post is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bastion.command.defaults import WORKING_GROUPS
from bastion.command.models import AREAS, CommandPost, Liaison, PostMember, WorkingGroup
from bastion.command.selectors.structure import POST_KINDS, current_q, is_current
from bastion.core.models import Institution, OrgUnit, User
from bastion.core.scope import require_in_scope
from bastion.core.services.audit import audit_record, field_changes
from bastion.residents.validation import Invalid, phone_clean, plain


def _phone(value: str, field: str, *, required: bool = False) -> str:
    """A phone number as stored (mobile, landline with its area code, or +country…), or a refusal naming the field."""
    text = plain(value or "")
    if not text:
        if required:
            raise ValidationError({field: _("Give a phone number.")})
        return ""
    try:
        return phone_clean(text)
    except Invalid as exc:
        raise ValidationError({field: exc.message}) from None


def _text(value: str, length: int) -> str:
    return plain(value or "")[:length]


# --- Command posts ----------------------------------------------------------------------------------------------


def _post_fields(name: str, leading_group_name: str, duty_phone: str, address: str) -> dict[str, str]:
    data = {
        "name": _text(name, 150),
        "leading_group_name": _text(leading_group_name, 150),
        "duty_phone": _phone(duty_phone, "duty_phone"),
        "address": _text(address, 200),
    }
    if not data["name"]:
        raise ValidationError({"name": _("Give the command post a name.")})
    return data


def _default_groups(command_post: CommandPost) -> list[WorkingGroup]:
    return WorkingGroup.objects.bulk_create(
        WorkingGroup(
            command_post=command_post,
            code=code,
            names={"zh-hans": zh, "en": en},
            duties=duties,
            areas=list(areas),
            sort_order=order * 10,
        )
        for order, (code, zh, en, duties, areas) in enumerate(WORKING_GROUPS, start=1)
    )


@transaction.atomic
def command_post_create(
    *,
    by: User | None,
    org_unit: OrgUnit,
    name: str,
    leading_group_name: str = "",
    duty_phone: str = "",
    address: str = "",
) -> CommandPost:
    """Set up a unit's leading group and command post, with the eight working groups of the county report."""
    require_in_scope(by, "command.add_commandpost", org_unit)
    if org_unit.kind not in POST_KINDS:
        raise ValidationError(
            {
                "org_unit": _("Command posts are set up for counties, townships and villages, not for %(unit)s.")
                % {"unit": org_unit.display_name}
            }
        )
    if CommandPost.objects.filter(org_unit=org_unit).exists():
        raise ValidationError({"org_unit": _("%(unit)s already has a command post.") % {"unit": org_unit.display_name}})
    data = _post_fields(name, leading_group_name, duty_phone, address)
    command_post = CommandPost.objects.create(org_unit=org_unit, **data)
    groups = _default_groups(command_post)
    audit_record(
        by=by,
        action="command_post.create",
        obj=command_post,
        org_unit=org_unit,
        summary={"name": data["name"], "duty_phone": "set" if data["duty_phone"] else "", "groups": len(groups)},
    )
    return command_post


@transaction.atomic
def command_post_update(
    *,
    by: User | None,
    command_post: CommandPost,
    name: str,
    leading_group_name: str = "",
    duty_phone: str = "",
    address: str = "",
) -> CommandPost:
    """Change a post's names, duty phone or address; its unit never changes."""
    require_in_scope(by, "command.change_commandpost", command_post.org_unit)
    data = _post_fields(name, leading_group_name, duty_phone, address)
    changes = field_changes(command_post, data, secret=frozenset({"duty_phone"}))
    if changes:
        command_post.save(update_fields=list(changes))
        audit_record(
            by=by, action="command_post.update", obj=command_post, org_unit=command_post.org_unit, summary=changes
        )
    return command_post


# --- Members ----------------------------------------------------------------------------------------------------


@transaction.atomic
def post_member_add(
    *,
    by: User | None,
    command_post: CommandPost,
    name: str,
    position: str = PostMember.Position.MEMBER,
    title: str = "",
    phone: str = "",
    user: User | None = None,
    starts_on: dt.date | None = None,
) -> PostMember:
    """Add a person to the leading group or the command post; a replacement is added this way too, after the
    person replaced has been ended (``post_member_end``)."""
    require_in_scope(by, "command.add_postmember", command_post.org_unit)
    errors: dict[str, str] = {}
    name = _text(name, 100)
    if not name:
        errors["name"] = _("Give the person's full name.")
    if position not in PostMember.Position.values:
        errors["position"] = _("Choose a position.")
    try:
        phone = _phone(phone, "phone")
    except ValidationError as exc:
        errors["phone"] = exc.message_dict["phone"][0]
    unit = command_post.org_unit
    if user is not None and (
        not user.is_active or not user.scopes.filter(org_unit_id__in=[*unit.ancestor_ids, unit.pk]).exists()
    ):
        errors["user"] = _("The account %(user)s does not work for %(unit)s.") % {
            "user": user.get_username(),
            "unit": unit.display_name,
        }
    if errors:
        raise ValidationError(errors)
    member = PostMember.objects.create(
        command_post=command_post,
        name=name,
        position=position,
        title=_text(title, 100),
        phone=phone,
        user=user,
        starts_on=starts_on or timezone.localdate(),
    )
    audit_record(
        by=by,
        action="post_member.add",
        obj=member,
        org_unit=unit,
        summary={
            "name": name,
            "position": position,
            "phone": "set" if phone else "",
            "account": user.get_username() if user else "",
        },
    )
    return member


@transaction.atomic
def post_member_end(*, by: User | None, member: PostMember, ends_on: dt.date | None = None) -> PostMember:
    """A member leaves on ``ends_on`` (today by default): the row stays as history; the working groups they led
    lose their lead and they leave the groups' member lists. Their liaisons stay until replaced."""
    command_post = member.command_post
    require_in_scope(by, "command.change_postmember", command_post.org_unit)
    ends_on = ends_on or timezone.localdate()
    if member.ends_on is not None:
        raise ValidationError(
            {"ends_on": _("%(name)s already left on %(day)s.") % {"name": member.name, "day": member.ends_on}}
        )
    if ends_on < member.starts_on:
        raise ValidationError(
            {
                "ends_on": _("%(name)s started on %(day)s: the end cannot come before.")
                % {
                    "name": member.name,
                    "day": member.starts_on,
                }
            }
        )
    member.ends_on = ends_on
    member.save(update_fields=["ends_on"])
    led = list(WorkingGroup.objects.filter(lead=member).values_list("code", flat=True))
    WorkingGroup.objects.filter(lead=member).update(lead=None)
    member.groups.clear()
    audit_record(
        by=by,
        action="post_member.end",
        obj=member,
        org_unit=command_post.org_unit,
        summary={"name": member.name, "ends_on": ends_on.isoformat(), "groups_led": led},
    )
    return member


# --- Working groups ---------------------------------------------------------------------------------------------


def _group_fields(
    command_post: CommandPost,
    *,
    names: dict[str, str],
    duties: str,
    areas: Iterable[str],
    lead: PostMember | None,
    members: Sequence[PostMember],
    group: WorkingGroup | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    names = {code: _text(text, 100) for code, text in names.items() if _text(text, 100)}
    if not names:
        errors["names"] = _("Give the working group a name.")
    else:
        others = command_post.groups.exclude(pk=group.pk) if group else command_post.groups.all()
        taken = {text for other in others for text in other.names.values()}
        clash = sorted(set(names.values()) & taken)
        if clash:
            errors["names"] = _("The post already has a working group named %(name)s.") % {"name": clash[0]}
    areas = list(dict.fromkeys(areas))
    known = {code for code, _label in AREAS}
    if any(code not in known for code in areas):
        errors["areas"] = _("Choose areas from the list.")
    today = timezone.localdate()
    if lead is not None and (lead.command_post_id != command_post.pk or not is_current(lead, today)):
        errors["lead"] = _("The lead must be a current member of %(post)s.") % {"post": command_post.name}
    strangers = [m.name for m in members if m.command_post_id != command_post.pk or not is_current(m, today)]
    if strangers:
        errors["members"] = _("%(names)s: not current members of %(post)s.") % {
            "names": ", ".join(strangers),
            "post": command_post.name,
        }
    if errors:
        raise ValidationError(errors)
    return {"names": names, "duties": plain(duties or "")[:2000], "areas": areas, "lead": lead}


def _group_code(command_post: CommandPost, names: dict[str, str]) -> str:
    stem = slugify(names.get("en", ""))[:30] or "group"
    taken = set(command_post.groups.values_list("code", flat=True))
    code, number = stem, 1
    while code in taken:
        number += 1
        code = f"{stem}-{number}"
    return code


def _member_set(lead: PostMember | None, members: Sequence[PostMember]) -> list[PostMember]:
    """The group's members, the lead among them."""
    chosen = {m.pk: m for m in members}
    if lead is not None:
        chosen.setdefault(lead.pk, lead)
    return list(chosen.values())


@transaction.atomic
def working_group_create(
    *,
    by: User | None,
    command_post: CommandPost,
    names: dict[str, str],
    duties: str = "",
    areas: Iterable[str] = (),
    lead: PostMember | None = None,
    members: Sequence[PostMember] = (),
) -> WorkingGroup:
    """Add a working group beyond the eight: a name in each language given, its duties, areas, lead and members."""
    require_in_scope(by, "command.add_workinggroup", command_post.org_unit)
    data = _group_fields(command_post, names=names, duties=duties, areas=areas, lead=lead, members=members, group=None)
    last = command_post.groups.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    group = WorkingGroup.objects.create(
        command_post=command_post, code=_group_code(command_post, data["names"]), sort_order=last + 10, **data
    )
    chosen = _member_set(lead, members)
    group.members.set(chosen)
    audit_record(
        by=by,
        action="working_group.create",
        obj=group,
        org_unit=command_post.org_unit,
        summary={
            "names": data["names"],
            "areas": data["areas"],
            "lead": lead.name if lead else "",
            "members": len(chosen),
        },
    )
    return group


@transaction.atomic
def working_group_update(
    *,
    by: User | None,
    group: WorkingGroup,
    names: dict[str, str],
    duties: str = "",
    areas: Iterable[str] = (),
    lead: PostMember | None = None,
    members: Sequence[PostMember] = (),
    is_active: bool = True,
) -> WorkingGroup:
    """Rename a group, change its duties, areas, lead and members, or deactivate it (it is never deleted: action
    items and decisions point at it)."""
    command_post = group.command_post
    require_in_scope(by, "command.change_workinggroup", command_post.org_unit)
    data = _group_fields(command_post, names=names, duties=duties, areas=areas, lead=lead, members=members, group=group)
    changes = field_changes(group, {**data, "is_active": bool(is_active)})
    chosen = _member_set(lead, members)
    before = set(group.members.values_list("pk", flat=True))
    after = {m.pk for m in chosen}
    if changes:
        group.save(update_fields=list(changes))
    if before != after:
        group.members.set(chosen)
        changes["members"] = [len(before), len(after)]
    if changes:
        audit_record(by=by, action="working_group.update", obj=group, org_unit=command_post.org_unit, summary=changes)
    return group


# --- Liaisons ---------------------------------------------------------------------------------------------------


@transaction.atomic
def liaison_create(
    *,
    by: User | None,
    command_post: CommandPost,
    hq_member: PostMember,
    contact_name: str,
    contact_phone: str,
    unit: OrgUnit | None = None,
    institution: Institution | None = None,
    starts_on: dt.date | None = None,
) -> Liaison:
    """Pair the post with a unit below it or an institution in its subtree (一对一、点对点): a member of the post
    on one side, a named person with a phone on the other. The pair's current liaison, if any, ends the day this
    one starts; it stays as history."""
    post_unit = command_post.org_unit
    require_in_scope(by, "command.add_liaison", post_unit)
    errors: dict[str, str] = {}
    if (unit is None) == (institution is None):
        errors["unit"] = _("Choose either a unit or an institution.")
    elif unit is not None and (unit.pk == post_unit.pk or not unit.is_within(post_unit)):
        errors["unit"] = _("%(unit)s is not below %(post_unit)s: a liaison pairs the post with a unit below it.") % {
            "unit": unit.display_name,
            "post_unit": post_unit.display_name,
        }
    elif institution is not None and not institution.org_unit.is_within(post_unit):
        errors["institution"] = _("%(institution)s is not within %(post_unit)s.") % {
            "institution": institution.name,
            "post_unit": post_unit.display_name,
        }
    if hq_member.command_post_id != command_post.pk or not is_current(hq_member):
        errors["hq_member"] = _("The contact at the command post must be a current member of %(post)s.") % {
            "post": command_post.name
        }
    contact_name = _text(contact_name, 100)
    if not contact_name:
        errors["contact_name"] = _("Give the name of the contact on the other side.")
    try:
        contact_phone = _phone(contact_phone, "contact_phone", required=True)
    except ValidationError as exc:
        errors["contact_phone"] = exc.message_dict["contact_phone"][0]
    if errors:
        raise ValidationError(errors)
    starts_on = starts_on or timezone.localdate()
    pair: dict[str, OrgUnit | Institution | None] = {"unit": unit, "institution": institution}
    replaced = list(
        Liaison.objects.select_for_update(of=("self",))
        .filter(current_q(), command_post=command_post, **pair)
        .order_by("pk")
    )
    for old in replaced:
        old.ends_on = max(starts_on, old.starts_on)
        old.save(update_fields=["ends_on"])
    liaison = Liaison.objects.create(
        command_post=command_post,
        hq_member=hq_member,
        contact_name=contact_name,
        contact_phone=contact_phone,
        starts_on=starts_on,
        **pair,
    )
    audit_record(
        by=by,
        action="liaison.create",
        obj=liaison,
        org_unit=post_unit,
        summary={
            "counterpart": liaison.counterpart,
            "hq_member": hq_member.name,
            "contact_name": contact_name,
            "contact_phone": "set",
            "replaced": [old.pk for old in replaced],
        },
    )
    return liaison


@transaction.atomic
def liaison_end(*, by: User | None, liaison: Liaison, ends_on: dt.date | None = None) -> Liaison:
    """End a liaison without a successor (the unit merged away, the institution closed); the row stays."""
    command_post = liaison.command_post
    require_in_scope(by, "command.change_liaison", command_post.org_unit)
    if liaison.ends_on is not None:
        raise ValidationError({"ends_on": _("This liaison already ended on %(day)s.") % {"day": liaison.ends_on}})
    ends_on = ends_on or timezone.localdate()
    liaison.ends_on = max(ends_on, liaison.starts_on)
    liaison.save(update_fields=["ends_on"])
    audit_record(
        by=by,
        action="liaison.end",
        obj=liaison,
        org_unit=command_post.org_unit,
        summary={"counterpart": liaison.counterpart, "ends_on": liaison.ends_on.isoformat()},
    )
    return liaison
