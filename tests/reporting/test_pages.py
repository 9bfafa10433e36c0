"""The reporting pages and API as cadres use them: filing on a phone, the overview pages, immediate reports."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bastion.core.models import AuditEvent, Notification, OrgUnit
from bastion.core.services.accounts import token_create
from bastion.reporting.models import ImmediateReport, Report
from bastion.reporting.services.common import local_today
from bastion.reporting.services.filing import report_submit
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre_a(world: World):
    return factories.account("village_cadre", world.village_a, username="erin")


@pytest.fixture
def open_form(form):
    """The daily form with its deadline at the end of the day, so that filing now is on time."""
    form.deadline = form.deadline.replace(hour=23, minute=59)
    form.save(update_fields=["deadline"])
    return form


def file_url(form, unit) -> str:
    return reverse("reporting:file", args=[form.pk, unit.pk]) + f"?period={local_today():%Y-%m-%d}"


def test_the_cadre_sees_todays_report_not_yet_filed_then_files_it(world: World, open_form, cadre_a) -> None:
    client = client_for(cadre_a)
    home = client.get(reverse("core:home")).content.decode()
    assert "疫情防控日报告" in home and file_url(open_form, world.village_a).replace("&", "&amp;") in home
    page = client.get(file_url(open_form, world.village_a))
    assert "新增返乡人员" in page.content.decode()
    key = str(uuid.uuid4())
    payload = {"idempotency_key": key, "returnees": "4", "fever": "0", "masks": "120", "clinics": "1"}
    assert client.post(file_url(open_form, world.village_a), payload).status_code == 302
    again = client.post(file_url(open_form, world.village_a), payload)  # the phone retried
    assert again.status_code == 302
    report = Report.objects.get()
    assert report.values.get(indicator__code="returnees").number == 4
    assert AuditEvent.objects.filter(action="report.file").count() == 1
    assert AuditEvent.objects.filter(action="report.edit").count() == 0


def test_nothing_to_report_is_one_tap(world: World, open_form, cadre_a) -> None:
    client = client_for(cadre_a)
    response = client.post(file_url(open_form, world.village_a), {"zero": "1", "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 302
    assert Report.objects.get().is_zero


def test_a_bad_figure_is_shown_beside_its_field_and_nothing_is_saved(world: World, open_form, cadre_a) -> None:
    client = client_for(cadre_a)
    response = client.post(file_url(open_form, world.village_a), {"returnees": "-3", "fever": "abc"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["returnees"] and form.errors["fever"]
    assert not Report.objects.exists()


def test_a_village_cannot_open_another_villages_form(world: World, open_form, cadre_a) -> None:
    assert client_for(cadre_a).get(file_url(open_form, world.village_b)).status_code == 404
    assert not Report.objects.exists()


def test_an_indicator_added_mid_outbreak_keeps_earlier_reports_readable(
    world: World, open_form, cadre_a, county_admin
) -> None:
    earlier = report_submit(
        by=cadre_a, form=open_form, org_unit=world.village_a, period=local_today(), values={"returnees": 2}
    )
    client = client_for(county_admin)
    response = client.post(
        reverse("reporting:indicator_new", args=[open_form.pk]),
        {
            "code": "isolated",
            "value_type": "integer",
            "name_zh-hans": "集中隔离人数",
            "name_en": "Isolated",
            "required": "on",
        },
    )
    assert response.status_code == 302
    open_form.refresh_from_db()
    assert open_form.version == 2
    page = client_for(cadre_a).get(file_url(open_form, world.village_a)).content.decode()
    assert "新增返乡人员" in page and "集中隔离人数" not in page  # the report keeps the version it was filed in
    earlier.refresh_from_db()
    assert earlier.form_version == 1


def test_a_reserved_or_duplicate_indicator_code_is_refused(world: World, open_form, county_admin) -> None:
    client = client_for(county_admin)
    for code in ("returnees", "note"):
        response = client.post(
            reverse("reporting:indicator_new", args=[open_form.pk]),
            {"code": code, "value_type": "integer", "name_zh-hans": "重复"},
        )
        assert response.status_code == 200 and response.context["form"].errors["code"]


def test_overview_pages_run_a_constant_number_of_queries(world: World, open_form, county_admin) -> None:
    client = client_for(county_admin)
    pages = ["reporting:completeness", "reporting:missing", "reporting:rollup", "reporting:immediate_list"]

    def counts() -> list[int]:
        result = []
        for name in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name), {"unit": world.county.pk}).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for number in range(6):
        village = factories.unit(world.township_a, f"新村{number}", kind=OrgUnit.Kind.VILLAGE)
        factories.account("village_cadre", village)
        report_submit(by=None, form=open_form, org_unit=village, period=local_today(), values={"returnees": number})
    assert counts() == before


def test_an_immediate_report_reaches_the_township_which_acknowledges_it(
    world: World, cadre_a, township_cadre, village_cadre_b
) -> None:
    from bastion.reporting.models import IncidentCategory

    client = client_for(cadre_a)
    response = client.post(
        reverse("reporting:immediate_new"),
        {
            "org_unit": world.village_a.pk,
            "category": IncidentCategory.objects.get(code="suspected_case").pk,
            "severity": "serious",
            "description": "返乡人员发热37.9℃",
        },
    )
    assert response.status_code == 302
    report = ImmediateReport.objects.get()
    assert report.waiting_unit == world.township_a
    assert Notification.objects.filter(recipient=township_cadre).count() == 1
    township = client_for(township_cadre)
    assert "返乡人员发热" in township.get(reverse("reporting:immediate_list")).content.decode()
    assert client_for(village_cadre_b).get(reverse("reporting:immediate_detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reporting:immediate_acknowledge", args=[report.pk])).status_code == 403
    township.post(reverse("reporting:immediate_acknowledge", args=[report.pk]))
    closed = township.post(reverse("reporting:immediate_close", args=[report.pk]), {"outcome": ""})
    assert closed.status_code == 400 and closed.context["close_form"].errors["outcome"]
    township.post(reverse("reporting:immediate_close", args=[report.pk]), {"outcome": "乡卫生院复核，体温正常"})
    report.refresh_from_db()
    assert report.state == ImmediateReport.State.CLOSED
    assert [e.kind for e in report.events.all()] == ["filed", "acknowledged", "closed"]


def test_the_notification_centre_counts_unread_and_marks_read(world: World, township_cadre) -> None:
    from bastion.core.services.notifications import notification_send

    [note] = notification_send(recipients=[township_cadre], kind="test", title="水磨沟村未报", link="/reporting/")
    client = client_for(township_cadre)
    assert client.get(reverse("core:home")).context["unread_notifications"] == 1
    assert client.post(reverse("core:notification_read", args=[note.pk]))["Location"] == "/reporting/"
    assert client.get(reverse("core:home")).context["unread_notifications"] == 0


def test_the_api_files_once_per_key_and_explains_bad_input(world: World, open_form, cadre_a) -> None:
    _token, key = token_create(by=cadre_a, name="phone")
    client = client_for(cadre_a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    body = {
        "form_id": open_form.pk,
        "unit_id": world.village_a.pk,
        "period": str(local_today()),
        "values": {"returnees": 1},
    }
    idem = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = client.post("/api/v1/reports", body, content_type="application/json", **idem)
    again = client.post("/api/v1/reports", body, content_type="application/json", **idem)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and Report.objects.count() == 1
    bad = client.post("/api/v1/reports", {**body, "values": {"returnees": 99999}}, content_type="application/json")
    assert bad.status_code == 422 and "returnees" in bad.json()["detail"]
    future = client.post("/api/v1/reports", {**body, "period": "2099-01-01"}, content_type="application/json")
    assert future.status_code == 422 and "period" in future.json()["detail"]
    outside = client.post("/api/v1/reports", {**body, "unit_id": world.village_b.pk}, content_type="application/json")
    assert outside.status_code == 404
    completeness = client.get(f"/api/v1/report-forms/{open_form.pk}/completeness", {"unit": world.village_a.pk})
    assert completeness.json()[-1]["on_time"] == 1


def test_a_form_is_configured_without_code(world: World, county_admin) -> None:
    client = client_for(county_admin)
    response = client.post(
        reverse("reporting:form_new"),
        {
            "code": "weekly",
            "name_zh-hans": "周报",
            "period": "weekly",
            "deadline": "12:00",
            "levels": ["township"],
            "remind_before_minutes": 60,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    bad = client.post(reverse("reporting:form_new"), {"code": "x", "period": "daily", "deadline": "25:00"})
    assert bad.status_code == 200
    errors = bad.context["config"].errors
    assert {"name_zh-hans", "deadline", "levels"} <= errors.keys()
