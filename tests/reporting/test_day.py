"""A full day of township A: some villages file, one files a zero report, one files late, one never files.

The completeness page, the reminders actually received by mail and webhook,
the roll-up and its Excel export must all show exactly that.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bastion.core.models import Notification, OrgUnit, UnitWebhook, User
from bastion.reporting.models import Status
from bastion.reporting.services.filing import report_submit
from bastion.reporting.services.reminders import reminders_send
from tests import factories
from tests.conftest import World, client_for
from tests.reporting.conftest import DAY, at
from tests.transport import SmtpServer, WebhookServer, smtp_server, webhook_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def cadre(unit: OrgUnit, username: str) -> User:
    user = factories.account("village_cadre", unit, username=username)
    User.objects.filter(pk=user.pk).update(email=f"{username}@example.org")
    user.email = f"{username}@example.org"
    return user


def test_a_day_of_township_a(world: World, form, smtp_server: SmtpServer, webhook_server: WebhookServer) -> None:  # noqa: F811
    # Given township A's four villages, each with its cadre, and the township's group robot
    townships_villages = {
        "filed": world.village_a,
        "zero": factories.unit(world.township_a, "英格堡村", kind=OrgUnit.Kind.VILLAGE),
        "late": factories.unit(world.township_a, "月亮地村", kind=OrgUnit.Kind.VILLAGE),
        "silent": factories.unit(world.township_a, "西泉村", kind=OrgUnit.Kind.VILLAGE),
    }
    cadres = {key: cadre(unit, f"cadre-{key}") for key, unit in townships_villages.items()}
    bob = factories.account("township_cadre", world.township_a, username="bob")
    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    UnitWebhook.objects.create(
        org_unit=world.township_a, flavour="wecom", label="木垒镇防控群", url=webhook_server.url("/township")
    )
    UnitWebhook.objects.create(
        org_unit=townships_villages["silent"], flavour="dingtalk", label="西泉村", url=webhook_server.url("/silent")
    )

    # When the day goes by
    report_submit(
        by=cadres["filed"],
        form=form,
        org_unit=townships_villages["filed"],
        period=DAY,
        values={"returnees": "3", "fever": "1", "masks": "200"},
        now=at(10),
    )
    report_submit(
        by=cadres["zero"], form=form, org_unit=townships_villages["zero"], period=DAY, is_zero=True, now=at(11)
    )
    assert reminders_send(now=at(16)) == 0  # too early
    assert reminders_send(now=at(17, 15)) == 3  # late, silent, and village B of the other township
    smtp_server.wait_for(2)
    assert reminders_send(now=at(17, 20)) == 0  # nothing twice
    assert reminders_send(now=at(18, 5)) == 3
    report_submit(
        by=cadres["late"],
        form=form,
        org_unit=townships_villages["late"],
        period=DAY,
        values={"returnees": "2", "fever": "0", "masks": "50"},
        now=at(18, 30),
    )

    # Then the reminders were received: before and after the deadline, and the township was told
    mails = smtp_server.wait_for(5)
    assert len(smtp_server.to("cadre-late@example.org")) == 2
    assert len(smtp_server.to("cadre-silent@example.org")) == 2
    assert smtp_server.to("cadre-filed@example.org") == [] and smtp_server.to("cadre-zero@example.org") == []
    to_bob = smtp_server.to("bob@example.org")
    assert len(to_bob) == 1 and "月亮地村" in to_bob[0].body and "西泉村" in to_bob[0].body
    assert "英格堡村" not in to_bob[0].body and "水磨沟村" not in to_bob[0].body
    township_posts = webhook_server.wait_for(1, path="/township")
    assert "西泉村" in township_posts[0].json["markdown"]["content"]
    assert len(webhook_server.wait_for(2, path="/silent")) == 2
    assert {m.subject.strip() for m in mails} >= {m.title for m in Notification.objects.filter(recipient=bob)}

    # And the township's completeness page shows exactly that day
    client = client_for(bob)
    page = client.get(reverse("reporting:completeness"), {"form": form.pk, "unit": world.township_a.pk, "date": DAY})
    rows = {row.unit.name: row for row in page.context["rows"]}
    assert {name: (r.on_time, r.zero, r.late, r.missing) for name, r in rows.items()} == {
        "水磨沟村": (1, 0, 0, 0),
        "英格堡村": (0, 1, 0, 0),
        "月亮地村": (0, 0, 1, 0),
        "西泉村": (0, 0, 0, 1),
    }
    total = page.context["total"]
    assert (total.expected, total.filed, total.missing, total.completeness, total.timeliness) == (4, 3, 1, 0.75, 0.5)

    # And "who has not reported" lists the silent village only, with its cadre
    missing = client.get(reverse("reporting:missing"), {"form": form.pk, "unit": world.township_a.pk, "date": DAY})
    listed = [(unit.name, status) for unit, status, _people, _contacts in missing.context["rows"]]
    assert listed == [("西泉村", Status.MISSING)]
    assert "cadre-silent" in missing.content.decode()

    # And the roll-up adds up the villages' figures, the zero report adding nothing
    rollup = client.get(reverse("reporting:rollup"), {"form": form.pk, "unit": world.township_a.pk, "date": DAY})
    table = rollup.context["rollup"]
    codes = {i.pk: i.code for i in table.indicators}
    totals = {codes[k]: int(v) for k, v in table.total.values.items()}
    assert totals["returnees"] == 5 and totals["fever"] == 1 and totals["masks"] == 250

    # And the Excel export has the same figures in the county's layout
    export = client.get(reverse("reporting:rollup_export"), {"form": form.pk, "unit": world.township_a.pk, "date": DAY})
    assert export.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    cells = [row for name in sheet.sheet_names for row in sheet.get_sheet_by_name(name).to_python()]
    header = next(row for row in cells if "新增返乡人员" in [str(c) for c in row])
    column = [str(c) for c in header].index("新增返乡人员")
    by_unit = {str(row[0]): row[column] for row in cells if row and row[0]}
    assert by_unit["水磨沟村"] == 3 and by_unit["月亮地村"] == 2
    assert any(value == 5 for key, value in by_unit.items() if "木垒镇" in key or "合计" in key or "Total" in key)
