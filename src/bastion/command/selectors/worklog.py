"""Reads of work logs (scoped), and what a command post's day held, gathered for the draft of its log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from bastion.command.models import ActionItem, ActionNote, CommandPost, Decision, Meeting, Weakness, WorkLog
from bastion.core.models import OrgUnit, User
from bastion.core.names import localized
from bastion.core.scope import scoped
from bastion.reporting.models import ImmediateReport, Report
from bastion.reporting.sources import period_bounds

# --- scoped reads -------------------------------------------------------------------------------------------------


def worklogs_for_user(
    user: User,
    *,
    unit: OrgUnit | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    status: str = "",
) -> QuerySet[WorkLog]:
    """The logs of the command posts in the user's scope (and in ``unit``'s subtree when given), newest day first."""
    logs = scoped(
        WorkLog.objects.select_related("command_post__org_unit", "signed_by"),
        user,
        "command_post__org_unit",
        within=unit,
    )
    if first is not None:
        logs = logs.filter(day__gte=first)
    if last is not None:
        logs = logs.filter(day__lte=last)
    if status in WorkLog.Status.values:
        logs = logs.filter(status=status)
    return logs.annotate(amendment_count=Count("amendments")).order_by("-day", "command_post__org_unit__path", "pk")


def worklog_get_for_user(user: User, worklog_id: int) -> WorkLog:
    """One log in the user's scope, with its amendments and their authors; out of scope it is not found."""
    logs = scoped(
        WorkLog.objects.select_related("command_post__org_unit", "signed_by", "edited_by").prefetch_related(
            "amendments__by"
        ),
        user,
        "command_post__org_unit",
    )
    return get_object_or_404(logs, pk=worklog_id)


def worklog_posts_for_user(user: User) -> QuerySet[CommandPost]:
    """The command posts whose log the user may draft, in tree order."""
    return scoped(CommandPost.objects.select_related("org_unit"), user).order_by("org_unit__path")


# --- the day's records ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTally:
    """How one form's reports filed that day stand: on time, late, zero reports (零报告)."""

    form: str
    on_time: int
    late: int
    zero: int

    @property
    def filed(self) -> int:
        return self.on_time + self.late + self.zero


@dataclass(frozen=True)
class ItemChange:
    """An action item whose status changed that day, with the time and the note that said so."""

    item: ActionItem
    at: dt.datetime
    note: str = ""


@dataclass
class DayRecords:
    """What happened in a command post's unit and below on a local day."""

    post: CommandPost
    day: dt.date
    reports: list[ReportTally] = field(default_factory=list)
    immediate: list[ImmediateReport] = field(default_factory=list)
    immediate_closed: list[ImmediateReport] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    items_created: list[ActionItem] = field(default_factory=list)
    items_claimed: list[ItemChange] = field(default_factory=list)
    items_verified: list[ItemChange] = field(default_factory=list)
    items_reopened: list[ItemChange] = field(default_factory=list)
    weaknesses_found: list[Weakness] = field(default_factory=list)
    weaknesses_fixed: list[Weakness] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.reports,
                self.immediate,
                self.immediate_closed,
                self.meetings,
                self.items_created,
                self.items_claimed,
                self.items_verified,
                self.items_reopened,
                self.weaknesses_found,
                self.weaknesses_fixed,
            ]
        )


def _in(field_name: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def day_records(post: CommandPost, day: dt.date) -> DayRecords:
    """The day's reports, immediate reports, meetings and decisions, action items and weaknesses of the post's unit
    and every unit below it, in seven queries however many there are."""
    low, high = post.org_unit.subtree_bounds
    units = {"org_unit__path__gte": low, "org_unit__path__lt": high}
    posts = {"command_post__org_unit__path__gte": low, "command_post__org_unit__path__lt": high}
    start, end = period_bounds(day, day)
    records = DayRecords(post=post, day=day)

    tallies = (
        Report.objects.filter(**units, submitted_at__gte=start, submitted_at__lt=end)
        .values("form__code", "form__names")
        .annotate(
            zero=Count("pk", filter=Q(is_zero=True)),
            late=Count("pk", filter=Q(is_zero=False, is_late=True)),
            on_time=Count("pk", filter=Q(is_zero=False, is_late=False)),
        )
        .order_by("form__code")
    )
    records.reports = [
        ReportTally(
            form=localized(row["form__names"]) or row["form__code"],
            on_time=row["on_time"],
            late=row["late"],
            zero=row["zero"],
        )
        for row in tallies
    ]

    immediate = (
        ImmediateReport.objects.filter(**units)
        .filter(_in("filed_at", start, end) | _in("closed_at", start, end))
        .select_related("org_unit", "category")
        .order_by("filed_at", "pk")
    )
    for report in immediate:
        if start <= report.filed_at < end:
            records.immediate.append(report)
        if report.closed_at is not None and start <= report.closed_at < end:
            records.immediate_closed.append(report)

    records.meetings = list(
        Meeting.objects.filter(**posts, held_on=day)
        .select_related("kind", "command_post__org_unit")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("pk")))
        .order_by("command_post__org_unit__path", "starts_at", "pk")
    )

    owners = ("command_post__org_unit", "owner_member", "owner_group", "owner_unit")
    items = (
        ActionItem.objects.filter(**posts)
        .filter(_in("created_at", start, end) | _in("verified_at", start, end))
        .select_related(*owners)
        .order_by("created_at", "pk")
    )
    for item in items:
        if start <= item.created_at < end:
            records.items_created.append(item)
        if item.verified_at is not None and start <= item.verified_at < end:
            records.items_verified.append(ItemChange(item=item, at=item.verified_at))

    # Claims and reopenings are known from the notes the actions service writes with each change of status.
    notes = (
        ActionNote.objects.filter(**{f"item__{k}": v for k, v in posts.items()})
        .filter(_in("at", start, end), status_to__in=[ActionItem.Status.CLAIMED, ActionItem.Status.REOPENED])
        .select_related(*(f"item__{name}" for name in owners))
        .order_by("at", "pk")
    )
    for note in notes:
        change = ItemChange(item=note.item, at=note.at, note=note.text)
        if note.status_to == ActionItem.Status.CLAIMED:
            records.items_claimed.append(change)
        else:
            records.items_reopened.append(change)

    weaknesses = (
        Weakness.objects.filter(**posts)
        .filter(Q(found_on=day) | _in("verified_at", start, end))
        .select_related("org_unit")
        .order_by("org_unit__path", "pk")
    )
    for weakness in weaknesses:
        if weakness.found_on == day:
            records.weaknesses_found.append(weakness)
        if weakness.verified_at is not None and start <= weakness.verified_at < end:
            records.weaknesses_fixed.append(weakness)
    return records


# --- the draft ------------------------------------------------------------------------------------------------------


def _time(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%H:%M}"


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


def _item_line(item: ActionItem) -> str:
    owner = item.owner
    return _("%(title)s (owner: %(owner)s, due %(due)s)") % {
        "title": _one_line(item.title),
        "owner": owner if owner is not None else "—",
        "due": f"{item.due_on:%Y-%m-%d}",
    }


def _said(note: str) -> str:
    return f": {_one_line(note)}" if note.strip() else ""


def _where(post: CommandPost, record_post: CommandPost) -> str:
    """The unit of a record that belongs to a post below the one whose log this is; nothing for its own."""
    return "" if record_post.pk == post.pk else f"[{record_post.org_unit.display_name}] "


def worklog_text(records: DayRecords) -> str:
    """The draft of the log in the active language: numbered sections with a heading, a count, and a line each."""
    post = records.post
    sections: list[tuple[str, list[str]]] = []

    lines = [
        _("%(form)s: %(filed)s filed (%(on_time)s on time, %(late)s late, %(zero)s zero reports)")
        % {"form": t.form, "filed": t.filed, "on_time": t.on_time, "late": t.late, "zero": t.zero}
        for t in records.reports
    ]
    sections.append((_("Reports filed"), lines))

    lines = [
        _("%(time)s %(unit)s · %(category)s (%(severity)s): %(what)s")
        % {
            "time": _time(r.filed_at),
            "unit": r.org_unit.display_name,
            "category": r.category,
            "severity": r.get_severity_display(),
            "what": _one_line(r.description),
        }
        for r in records.immediate
    ]
    lines += [
        _("Closed %(time)s: %(unit)s · %(category)s: %(outcome)s")
        % {
            "time": _time(r.closed_at),
            "unit": r.org_unit.display_name,
            "category": r.category,
            "outcome": _one_line(r.outcome) or "—",
        }
        for r in records.immediate_closed
        if r.closed_at is not None
    ]
    heading = _("Immediate reports (filed: %(filed)s, closed: %(closed)s)") % {
        "filed": len(records.immediate),
        "closed": len(records.immediate_closed),
    }
    sections.append((heading, lines))

    lines = []
    for meeting in records.meetings:
        when = f"{meeting.starts_at:%H:%M} " if meeting.starts_at else ""
        title = f"{meeting.kind}: {_one_line(meeting.title)}" if meeting.title else str(meeting.kind)
        lines.append(f"{_where(post, meeting.command_post)}{when}{title}")
        lines += [f"    · {_one_line(decision.text)}" for decision in meeting.decisions.all()]
    decisions = sum(len(meeting.decisions.all()) for meeting in records.meetings)
    heading = _("Meetings and decisions (meetings: %(meetings)s, decisions: %(decisions)s)") % {
        "meetings": len(records.meetings),
        "decisions": decisions,
    }
    sections.append((heading, lines))

    lines = []
    for label, changes in [
        (_("New"), [ItemChange(item=i, at=i.created_at) for i in records.items_created]),
        (_("Claimed done"), records.items_claimed),
        (_("Verified"), records.items_verified),
        (_("Reopened"), records.items_reopened),
    ]:
        if changes:
            lines.append(f"{label} ({len(changes)}):")
            lines += [f"    · {_where(post, c.item.command_post)}{_item_line(c.item)}{_said(c.note)}" for c in changes]
    heading = _(
        "Action items (new: %(new)s, claimed done: %(claimed)s, verified: %(verified)s, reopened: %(reopened)s)"
    ) % {
        "new": len(records.items_created),
        "claimed": len(records.items_claimed),
        "verified": len(records.items_verified),
        "reopened": len(records.items_reopened),
    }
    sections.append((heading, lines))

    lines = [f"{w.org_unit.display_name}: {_one_line(w.description)}" for w in records.weaknesses_found]
    lines += [
        _("Fixed and verified: %(unit)s: %(what)s")
        % {"unit": w.org_unit.display_name, "what": _one_line(w.description)}
        for w in records.weaknesses_fixed
    ]
    heading = _("Weaknesses (found: %(found)s, fixed: %(fixed)s)") % {
        "found": len(records.weaknesses_found),
        "fixed": len(records.weaknesses_fixed),
    }
    sections.append((heading, lines))

    sections.append((_("Other work of the day"), []))
    nothing = _("Nothing recorded.")
    parts: list[str] = []
    for number, (heading, section_lines) in enumerate(sections, start=1):
        parts += ["", f"{number}. {heading}"]
        if number < len(sections):  # the last section is the office's to write
            parts += [line if line.startswith("    ") else f"- {line}" for line in section_lines] or [f"- {nothing}"]
    return "\n".join(parts).strip() + "\n"
