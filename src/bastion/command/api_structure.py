"""The command API's structure and work log: command posts, their members, working groups and liaisons, a unit's
"who to call", and the posts' daily work logs (draft, edit, sign, amend).

Reads go through the scoped selectors; ids given in a body are looked up in the caller's scope (a post's members
and accounts within the post), an id outside it answers as if it did not exist; writes go through the services,
which check the role and the scope and audit. Phone numbers leave masked, but on the contacts of a unit.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a paginated operation in
the pagination module's namespace, where ``Query`` is not defined.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from bastion.command import schemas_structure as s
from bastion.command.models import CommandPost, Liaison, PostMember, WorkingGroup, WorkLog
from bastion.command.selectors import structure as selectors
from bastion.command.selectors import worklog as worklog_selectors
from bastion.command.selectors.structure import UnitContacts
from bastion.command.services import structure as services
from bastion.command.services import worklog as worklog_services
from bastion.core import selectors as core_selectors
from bastion.core.api import errors_named_as_sent, require_perm, unit_asked
from bastion.core.models import User
from bastion.core.scope import scoped

router = Router(tags=["command"])

T = TypeVar("T")
VIEW = "command.view_commandpost"
NOT_FOUND = {
    "org_unit_id": gettext_lazy("No such unit in your scope."),
    "unit_id": gettext_lazy("No such unit in your scope."),
    "institution_id": gettext_lazy("No such institution in your scope."),
    "hq_member_id": gettext_lazy("No such member in your scope."),
    "lead_id": gettext_lazy("No such member in your scope."),
    "user_id": gettext_lazy("No such account works for this command post."),
}


class _Lookup:
    """Ids from a body, each found in the caller's scope (or within the post) or reported under its field, all
    errors at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def get(self, field: str, getter: Callable[[int], T], pk: int | None) -> T | None:
        if pk is None:
            return None
        try:
            return getter(pk)
        except Http404:
            self.errors[field] = str(NOT_FOUND[field])
            return None

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# Command posts


def _post_detail(command_post: CommandPost) -> dict[str, Any]:
    """The post, its members current and past, its working groups and current liaisons: a constant number of
    queries whatever their number."""
    members = list(selectors.members_of(command_post))
    return {
        "post": command_post,
        "current_members": [m for m in members if selectors.is_current(m)],
        "past_members": [m for m in members if not selectors.is_current(m)],
        "groups": list(selectors.groups_of(command_post)),
        "liaisons": [item for item in selectors.liaisons_of(command_post) if selectors.is_current(item)],
    }


@router.get("/command/posts", response=list[s.PostListOut])
@paginate(PageNumberPagination, page_size=100)
def list_posts(request: HttpRequest, filters: Query[s.PostFilters]) -> Any:
    """The command posts in scope in tree order, with their counts of current members and active groups."""
    user = require_perm(request, VIEW)
    return selectors.posts_for_user(user, unit=unit_asked(user, filters.unit), q=filters.q[:100])


@router.get("/command/posts/{command_post_id}", response=s.PostDetailOut)
def get_post(request: HttpRequest, command_post_id: int) -> dict[str, Any]:
    """The post: its members, current and past (phones masked), working groups, current liaisons."""
    user = require_perm(request, VIEW)
    return _post_detail(selectors.post_get_for_user(user, command_post_id))


@router.post("/command/posts", response={201: s.PostDetailOut})
def create_post(request: HttpRequest, payload: s.PostIn) -> Status[Any]:
    """Set up a unit's leading group and command post; it starts with the eight working groups of the county
    report."""
    user = require_perm(request, "command.add_commandpost")
    found = _Lookup()
    unit = found.get("org_unit_id", lambda pk: core_selectors.orgunit_get_for_user(user, pk), payload.org_unit_id)
    found.check()
    assert unit is not None
    with errors_named_as_sent({"org_unit": "org_unit_id"}):
        command_post = services.command_post_create(
            by=user,
            org_unit=unit,
            name=payload.name,
            leading_group_name=payload.leading_group_name,
            duty_phone=payload.duty_phone,
            address=payload.address,
        )
    return Status(201, _post_detail(selectors.post_get_for_user(user, command_post.pk)))


# Members


@router.post("/command/posts/{command_post_id}/members", response={201: s.MemberOut})
def add_member(request: HttpRequest, command_post_id: int, payload: s.MemberIn) -> Status[Any]:
    """A person joins the leading group or the command post; a replacement joins this way after the person
    replaced has left (``/command/members/{member_id}/end``)."""
    user = require_perm(request, "command.add_postmember")
    command_post = selectors.post_get_for_user(user, command_post_id)
    found = _Lookup()
    account = found.get("user_id", lambda pk: _account_of(command_post, pk), payload.user_id)
    found.check()
    with errors_named_as_sent({"user": "user_id"}):
        member = services.post_member_add(
            by=user,
            command_post=command_post,
            name=payload.name,
            position=payload.position,
            title=payload.title,
            phone=payload.phone,
            user=account,
            starts_on=payload.starts_on,
        )
    return Status(201, member)


def _account_of(command_post: CommandPost, user_id: int) -> User:
    """An account that may sit in the post's leading group, as the page offers them."""
    account = selectors.account_choices(command_post).filter(pk=user_id).first()
    if account is None:
        raise Http404("not found")
    return account


@router.post("/command/members/{member_id}/end", response=s.MemberOut)
def end_member(request: HttpRequest, member_id: int, payload: s.EndIn) -> PostMember:
    """A member leaves on ``ends_on`` (today by default): the row stays as history, the groups they led lose
    their lead."""
    user = require_perm(request, "command.change_postmember")
    member = selectors.member_get_for_user(user, member_id)
    with errors_named_as_sent({}):
        return services.post_member_end(by=user, member=member, ends_on=payload.ends_on)


# Working groups


def _group_data(user: User, payload: s.GroupIn) -> dict[str, Any]:
    """The service's arguments: the lead and the members found in the caller's scope (the service checks that
    they are current members of the post), the names in the site's languages."""
    found = _Lookup()
    lead = found.get("lead_id", lambda pk: selectors.member_get_for_user(user, pk), payload.lead_id)
    wanted = list(dict.fromkeys(payload.member_ids))
    in_scope = scoped(PostMember.objects.select_related("command_post"), user, "command_post__org_unit")
    members = {m.pk: m for m in in_scope.filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in members]
    if missing:
        found.errors["member_ids"] = _("No such member in your scope: %(ids)s.") % {"ids": ", ".join(missing)}
    languages = [code for code, _label in settings.LANGUAGES]
    unknown = sorted(set(payload.names) - set(languages))
    if unknown:
        found.errors["names"] = _("Give the names in these languages: %(languages)s.") % {
            "languages": ", ".join(languages)
        }
    found.check()
    return {
        "names": payload.names,
        "duties": payload.duties,
        "areas": payload.areas,
        "lead": lead,
        "members": [members[pk] for pk in wanted],
    }


GROUP_SENT_AS = {"lead": "lead_id", "members": "member_ids"}


def _group_out(group: WorkingGroup) -> WorkingGroup:
    return selectors.groups_of(group.command_post).get(pk=group.pk)


@router.post("/command/posts/{command_post_id}/groups", response={201: s.GroupOut})
def create_group(request: HttpRequest, command_post_id: int, payload: s.GroupIn) -> Status[Any]:
    """A working group beyond the eight: names, duties, areas, a lead and members among the current members."""
    user = require_perm(request, "command.add_workinggroup")
    command_post = selectors.post_get_for_user(user, command_post_id)
    data = _group_data(user, payload)
    with errors_named_as_sent(GROUP_SENT_AS):
        group = services.working_group_create(by=user, command_post=command_post, **data)
    return Status(201, _group_out(group))


@router.get("/command/groups/{group_id}", response=s.GroupOut)
def get_group(request: HttpRequest, group_id: int) -> WorkingGroup:
    """One working group: what a client reads before it sends the whole group back with ``PUT``."""
    user = require_perm(request, VIEW)
    return _group_out(selectors.group_get_for_user(user, group_id))


@router.put("/command/groups/{group_id}", response=s.GroupOut)
def update_group(request: HttpRequest, group_id: int, payload: s.GroupUpdateIn) -> WorkingGroup:
    """The whole group as it is to be: names, duties, areas, lead, members (replacing the ones it had), active or
    not (a group is never deleted)."""
    user = require_perm(request, "command.change_workinggroup")
    group = selectors.group_get_for_user(user, group_id)
    data = _group_data(user, payload)
    with errors_named_as_sent(GROUP_SENT_AS):
        services.working_group_update(by=user, group=group, is_active=payload.is_active, **data)
    return _group_out(group)


# Liaisons


def _liaison_out(liaison: Liaison) -> Liaison:
    return selectors.liaisons_of(liaison.command_post).get(pk=liaison.pk)


@router.post("/command/posts/{command_post_id}/liaisons", response={201: s.LiaisonOut})
def create_liaison(request: HttpRequest, command_post_id: int, payload: s.LiaisonIn) -> Status[Any]:
    """Pair the post with a unit below it or an institution within it (一对一、点对点); the pair's current
    liaison ends the day this one starts and stays as history."""
    user = require_perm(request, "command.add_liaison")
    command_post = selectors.post_get_for_user(user, command_post_id)
    found = _Lookup()
    unit = found.get("unit_id", lambda pk: core_selectors.orgunit_get_for_user(user, pk), payload.unit_id)
    institution = found.get(
        "institution_id", lambda pk: core_selectors.institution_get_for_user(user, pk), payload.institution_id
    )
    hq_member = found.get("hq_member_id", lambda pk: selectors.member_get_for_user(user, pk), payload.hq_member_id)
    found.check()
    assert hq_member is not None
    with errors_named_as_sent({"unit": "unit_id", "institution": "institution_id", "hq_member": "hq_member_id"}):
        liaison = services.liaison_create(
            by=user,
            command_post=command_post,
            hq_member=hq_member,
            contact_name=payload.contact_name,
            contact_phone=payload.contact_phone,
            unit=unit,
            institution=institution,
            starts_on=payload.starts_on,
        )
    return Status(201, _liaison_out(liaison))


@router.post("/command/liaisons/{liaison_id}/end", response=s.LiaisonOut)
def end_liaison(request: HttpRequest, liaison_id: int, payload: s.EndIn) -> Liaison:
    """End a liaison without a successor (the unit merged away, the institution closed); the row stays."""
    user = require_perm(request, "command.change_liaison")
    liaison = selectors.liaison_get_for_user(user, liaison_id)
    with errors_named_as_sent({}):
        services.liaison_end(by=user, liaison=liaison, ends_on=payload.ends_on)
    return _liaison_out(liaison)


# Who to call


@router.get("/command/units/{unit_id}/contacts", response=s.ContactsOut)
def unit_contacts(request: HttpRequest, unit_id: int) -> UnitContacts:
    """Whom the unit calls, numbers in full: its own post, the liaisons of the posts above with it, its
    answerable leaders, the posts above it (shown although above the caller's scope: they are whom it calls)."""
    user = require_perm(request, VIEW)
    return selectors.contacts_for_unit(core_selectors.orgunit_get_for_user(user, unit_id))


# Work logs


@router.get("/command/worklogs", response=list[s.WorkLogListOut])
@paginate(PageNumberPagination, page_size=100)
def list_worklogs(request: HttpRequest, filters: Query[s.WorkLogFilters]) -> Any:
    """The logs of the posts in scope, the latest day first; ``from`` and ``to`` bound the day."""
    user = require_perm(request, "command.view_worklog")
    first, last = filters.date_from, filters.date_to
    if first is not None and last is not None and first > last:
        first, last = last, first
    return worklog_selectors.worklogs_for_user(
        user, unit=unit_asked(user, filters.unit), first=first, last=last, status=filters.status
    )


@router.get("/command/worklogs/{worklog_id}", response=s.WorkLogDetailOut)
def get_worklog(request: HttpRequest, worklog_id: int) -> WorkLog:
    """The log's text, its status, who signed it and when, and its amendments."""
    user = require_perm(request, "command.view_worklog")
    return worklog_selectors.worklog_get_for_user(user, worklog_id)


@router.post("/command/worklogs", response={201: s.WorkLogDetailOut})
def draft_worklog(request: HttpRequest, payload: s.WorkLogIn) -> Status[Any]:
    """Draft the post's log of the day from the day's records; a draft nobody edited yet is drafted again."""
    user = require_perm(request, "command.change_worklog")
    command_post = selectors.post_get_for_user(user, payload.command_post_id)
    with errors_named_as_sent({}):
        log = worklog_services.worklog_draft(by=user, command_post=command_post, day=payload.day)
    return Status(201, worklog_selectors.worklog_get_for_user(user, log.pk))


@router.put("/command/worklogs/{worklog_id}", response=s.WorkLogDetailOut)
def edit_worklog(request: HttpRequest, worklog_id: int, payload: s.WorkLogEditIn) -> WorkLog:
    """The office's edit of a draft; a signed log is refused (amend it instead) and stays as signed."""
    user = require_perm(request, "command.change_worklog")
    log = worklog_selectors.worklog_get_for_user(user, worklog_id)
    with errors_named_as_sent({}):
        worklog_services.worklog_edit(by=user, log=log, body=payload.body)
    return worklog_selectors.worklog_get_for_user(user, worklog_id)


@router.post("/command/worklogs/{worklog_id}/sign", response=s.WorkLogDetailOut)
def sign_worklog(request: HttpRequest, worklog_id: int) -> WorkLog:
    """The office signs the log off: its text is final from then on, and changes are amendments."""
    user = require_perm(request, "command.sign_worklog")
    log = worklog_selectors.worklog_get_for_user(user, worklog_id)
    with errors_named_as_sent({"log": NON_FIELD_ERRORS}):
        worklog_services.worklog_sign(by=user, log=log)
    return worklog_selectors.worklog_get_for_user(user, worklog_id)


@router.post("/command/worklogs/{worklog_id}/amendments", response={201: s.AmendmentOut})
def amend_worklog(request: HttpRequest, worklog_id: int, payload: s.AmendmentIn) -> Status[Any]:
    """An amendment to a signed log, kept after it with its author and time."""
    user = require_perm(request, "command.change_worklog")
    log = worklog_selectors.worklog_get_for_user(user, worklog_id)
    with errors_named_as_sent({}):
        amendment = worklog_services.worklog_amend(by=user, log=log, text=payload.text)
    return Status(201, amendment)
