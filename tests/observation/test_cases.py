"""Home observation followed for 14 days on a controlled clock: checks, a missed one, a fever alert that
escalates, the release and its note; another case referred to the designated hospital."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from bastion.core.models import Notification, User
from bastion.observation.models import CaseEvent, HealthCheck, ObservationCase, ObservationReason
from bastion.observation.selectors.cases import case_schedule, day_states, overview
from bastion.observation.services.cases import case_extend, case_open, case_refer, case_release, referral_acknowledge
from bastion.observation.services.checks import check_record
from bastion.reporting.models import ImmediateReport
from bastion.reporting.services.immediate import immediate_reports_escalate
from bastion.residents.models import Symptom
from tests import factories
from tests.conftest import World, english_client

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Day 1 is 1 February 2020, the first day of observation."""
    return dt.datetime(2020, 2, day, hour, minute, tzinfo=SHANGHAI)


def returnee(world: World) -> ObservationCase:
    person = factories.person(world.village_a, "张三", address="幸福路3号")
    with time_machine.travel(at(1, 7, 30), tick=False):
        return factories.observation_case(person, start_date=dt.date(2020, 2, 1))


@pytest.mark.django_db
def test_a_case_followed_for_fourteen_days(
    world: World, village_doctor: User, township_cadre: User, county_admin: User
) -> None:
    case = returnee(world)
    assert case.planned_end == dt.date(2020, 2, 14)
    cough = Symptom.objects.get(code="dry_cough")
    for day in range(1, 15):
        for hour in (8, 19):
            if (day, hour) == (3, 19):
                continue  # nobody came on the third evening
            with time_machine.travel(at(day, hour, 30), tick=False):
                fever = (day, hour) == (5, 19)
                check_record(
                    by=village_doctor,
                    case=case,
                    temperature=Decimal("38.2") if fever else Decimal("36.6"),
                    symptoms=[cough] if fever else [],
                )
            if (day, hour) == (5, 19):
                alert = HealthCheck.objects.get(case=case, temperature=Decimal("38.2")).alert
                assert alert is not None
                assert alert.waiting_unit == world.township_a, "the township is told first"
                assert Notification.objects.filter(recipient=township_cadre, kind="immediate_report").exists()
                with time_machine.travel(at(5, 23), tick=False):
                    assert immediate_reports_escalate() == 1
                alert.refresh_from_db()
                assert (alert.waiting_unit, alert.escalations) == (world.county, 1), "nobody answered: the HQ"
                assert Notification.objects.filter(recipient=county_admin, kind="immediate_report").exists()
            if (day, hour) == (4, 8):
                morning = day_states(village_doctor, now=at(4, 8, 31))[0]
                assert ("02-03 20:00", "missed") in morning.slots, "last night's miss shows in red the next morning"

    with time_machine.travel(at(14, 20), tick=False):
        states = [state for _slot, state in case_schedule(case)]
        assert states.count("missed") == 1 and states.count("done") == 27
        client = english_client(village_doctor)
        page = client.get(reverse("observation:case_detail", args=[case.pk])).content.decode()
        assert 'class="slot missed"' in page and "38.2 °C" in page

    with time_machine.travel(at(13, 9), tick=False), pytest.raises(ValidationError, match="ends on 2020-02-14"):
        case_release(by=village_doctor, case=case, note="体温正常")
    with time_machine.travel(at(14, 20, 30), tick=False):
        response = english_client(village_doctor).post(
            reverse("observation:case_release", args=[case.pk]), {"note": "观察期满，体温正常，无症状。"}
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == ObservationCase.Status.RELEASED
        note = english_client(village_doctor).get(reverse("observation:release_note", args=[case.pk]))
    assert note["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(note.content)).pages[0].extract_text()
    assert "张三" in text and "观察期满" in text and "2020-02-01" in text
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED, CaseEvent.Kind.RELEASED]
    with pytest.raises(ValidationError, match="released: no more checks"):
        check_record(by=village_doctor, case=case, temperature=Decimal("36.5"))


@pytest.mark.django_db
def test_an_open_alert_gathers_later_fevers_instead_of_filing_again(world: World, village_doctor: User) -> None:
    case = returnee(world)
    with time_machine.travel(at(2, 8), tick=False):
        first = check_record(by=village_doctor, case=case, temperature=Decimal("37.8"))
    with time_machine.travel(at(2, 19), tick=False):
        second = check_record(by=village_doctor, case=case, temperature=Decimal("38.0"))
    assert first.alert == second.alert and first.raised_alert and not second.raised_alert
    assert ImmediateReport.objects.count() == 1


@pytest.mark.django_db
def test_a_case_is_referred_to_the_designated_hospital_and_the_hospital_acknowledges(
    world: World, village_doctor: User
) -> None:
    hospital = factories.designated_hospital(world.county, "木垒县人民医院")
    hospital_doctor = factories.account("doctor", world.county, username="dr-wang")
    case = returnee(world)
    with time_machine.travel(at(3, 10), tick=False):
        response = english_client(village_doctor).post(
            reverse("observation:case_refer", args=[case.pk]),
            {"hospital": hospital.pk, "transport": "ambulance", "handover": "发热38.5℃，干咳，家属陪同"},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == ObservationCase.Status.REFERRED
    waiting = english_client(hospital_doctor).get(reverse("observation:referral_list")).content.decode()
    assert "张三" in waiting and "发热38.5℃" in waiting
    with pytest.raises(PermissionDenied):
        referral_acknowledge(by=village_doctor, referral=case.referral, received_by="王医生")
    english_client(hospital_doctor).post(
        reverse("observation:referral_acknowledge", args=[case.referral.pk]), {"received_by": "王医生"}
    )
    case.referral.refresh_from_db()
    assert case.referral.received_by == "王医生" and case.referral.acknowledged_at is not None
    person_page = english_client(village_doctor).get(reverse("observation:case_detail", args=[case.pk]))
    assert "Received by the hospital" in person_page.content.decode()


@pytest.mark.django_db
def test_only_a_designated_hospital_takes_a_referral(world: World, village_doctor: User) -> None:
    case = returnee(world)
    with pytest.raises(ValidationError) as refused:
        case_refer(by=village_doctor, case=case, hospital=world.clinic_a, transport="ambulance", handover="发热")
    assert "hospital" in refused.value.message_dict
    assert ObservationCase.objects.get(pk=case.pk).status == ObservationCase.Status.ACTIVE


@pytest.mark.django_db
def test_bad_checks_are_refused_and_change_nothing(world: World, village_doctor: User) -> None:
    case = returnee(world)
    client = english_client(village_doctor)
    url = reverse("observation:check_new", args=[case.pk])
    with time_machine.travel(at(2, 8), tick=False):
        for temperature, message in (("33.9", "between 34.0 and 43.0"), ("43.1", "between 34.0 and 43.0")):
            page = client.post(url, {"temperature": temperature, "idempotency_key": uuid.uuid4()})
            assert page.status_code == 200 and message in page.content.decode()
        future = client.post(
            url, {"temperature": "36.5", "taken_at": "2020-02-03T08:00", "idempotency_key": uuid.uuid4()}
        )
        assert "lies in the future" in future.content.decode()
    assert not HealthCheck.objects.exists()


@pytest.mark.django_db
def test_a_case_for_a_person_outside_the_scope_is_refused(world: World, village_doctor: User) -> None:
    outsider = factories.person(world.village_b, "李四")
    reason = ObservationReason.objects.get(code="close_contact")
    with pytest.raises(PermissionDenied):
        case_open(by=village_doctor, person=outsider, reason=reason)
    page = english_client(village_doctor).get(reverse("observation:case_new"), {"person": outsider.pk})
    assert page.status_code == 404
    assert not ObservationCase.objects.exists()


@pytest.mark.django_db
def test_opening_a_case_on_the_page_and_the_rules_it_checks(world: World, village_cadre_a: User) -> None:
    person = factories.person(world.village_a, "王五")
    client = english_client(village_cadre_a)
    url = reverse("observation:case_new") + f"?person={person.pk}"
    reason = ObservationReason.objects.get(code="close_contact")
    with time_machine.travel(at(1, 10), tick=False):
        bad = client.post(url, {"reason": reason.pk, "start_date": "2020-02-05", "place": "home", "check_times": "8点"})
        body = bad.content.decode()
        assert "The start lies in the future." in body and "is not a time of day" in body
        assert not ObservationCase.objects.exists()
        client.post(
            url,
            {"reason": reason.pk, "start_date": "2020-02-01", "place": "home", "check_times": "07:00, 12:00，19:00"},
        )
        case = ObservationCase.objects.get()
        assert (case.planned_end, case.times) == (dt.date(2020, 2, 14), ["07:00", "12:00", "19:00"])
        again = client.post(
            url, {"reason": reason.pk, "start_date": "2020-02-01", "place": "home", "check_times": "08:00"}
        )
        assert "already under observation" in again.content.decode()


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_a_later_end(world: World, village_doctor: User) -> None:
    case = returnee(world)
    with time_machine.travel(at(10, 9), tick=False):
        with pytest.raises(ValidationError) as refused:
            case_extend(by=village_doctor, case=case, new_end=dt.date(2020, 2, 10), reason="")
        assert set(refused.value.message_dict) == {"new_end", "reason"}
        case_extend(by=village_doctor, case=case, new_end=dt.date(2020, 2, 21), reason="家属确诊，延长观察")
    case.refresh_from_db()
    assert case.planned_end == dt.date(2020, 2, 21)
    assert "家属确诊" in case.events.get(kind=CaseEvent.Kind.EXTENDED).text


@pytest.mark.django_db
def test_the_township_overview_adds_up_its_villages(world: World, township_cadre: User, village_doctor: User) -> None:
    case = returnee(world)
    with time_machine.travel(at(2, 9), tick=False):
        factories.observation_case(factories.person(world.village_a, "赵六"))
        check_record(by=village_doctor, case=case, temperature=Decimal("36.4"))
        total, rows = overview(township_cadre, world.township_a)
        page = english_client(township_cadre).get(reverse("observation:overview")).content.decode()
    assert total.active == 2 and rows[0].unit == world.village_a and rows[0].active == 2
    assert "水磨沟村" in page


@pytest.mark.django_db
def test_the_figures_offered_to_report_forms(world: World, village_doctor: User) -> None:
    from bastion.reporting.sources import source_value

    case = returnee(world)
    with time_machine.travel(at(2, 8), tick=False):
        check_record(by=village_doctor, case=case, temperature=Decimal("36.5"))
        check_record(by=village_doctor, case=case, temperature=Decimal("37.6"), taken_at=at(2, 7, 50))
    with time_machine.travel(at(3, 12), tick=False):
        day1, day2 = dt.date(2020, 2, 1), dt.date(2020, 2, 2)

        def value(code: str, first: dt.date = day1, last: dt.date = day2) -> int:
            figure = source_value(code, world.township_a, first, last)
            assert figure is not None
            return int(figure)

        assert value("observation.active") == 1 and value("observation.started") == 1
        assert value("observation.checks") == 2 and value("observation.alerts") == 1
        assert value("observation.alerts_open") == 1
        # day 1: morning and evening, day 2: evening; day 2's morning was taken
        assert value("observation.checks_missed") == 3
        assert source_value("observation.active", world.township_b, day1, day2) == 0


@pytest.mark.django_db
def test_a_transfer_hands_the_case_and_its_checks_to_the_village_taking_over(
    world: World, village_doctor: User, village_cadre_b: User
) -> None:
    from bastion.observation.services.cases import case_transfer

    case = returnee(world)
    with time_machine.travel(at(2, 8), tick=False):
        check_record(by=village_doctor, case=case, temperature=Decimal("36.5"))
        case_transfer(by=village_doctor, case=case, to_unit=world.village_b, reason="回沈家沟村家中居住")
    case.refresh_from_db()
    assert case.org_unit == world.village_b and case.status == ObservationCase.Status.ACTIVE
    page = english_client(village_cadre_b).get(reverse("observation:case_detail", args=[case.pk])).content.decode()
    assert "36.5 °C" in page and "回沈家沟村家中居住" in page
    assert english_client(village_doctor).get(reverse("observation:case_detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_a_full_isolation_site_takes_nobody_more(world: World, township_cadre: User) -> None:
    from bastion.observation.services.sites import isolation_site_save

    site = isolation_site_save(by=township_cadre, org_unit=world.township_a, name="木垒镇隔离点", rooms=2, capacity=2)
    reason = ObservationReason.objects.get(code="close_contact")
    for name, room in (("甲", "101"), ("乙", "102")):
        case_open(
            by=township_cadre,
            person=factories.person(world.village_a, name),
            reason=reason,
            place="site",
            site=site,
            room=room,
        )
    with pytest.raises(ValidationError, match="full: 2 of 2"):
        case_open(
            by=township_cadre, person=factories.person(world.village_a, "丙"), reason=reason, place="site", site=site
        )
    with pytest.raises(ValidationError, match="holds 2 persons"):
        isolation_site_save(by=township_cadre, site=site, org_unit=world.township_a, name="木垒镇隔离点", capacity=1)
    assert ObservationCase.objects.filter(site=site).count() == 2
