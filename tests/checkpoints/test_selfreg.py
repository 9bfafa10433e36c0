"""Self-registration (自助登记): a traveller scans the post's poster and registers on their phone."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from bastion.checkpoints.models import Arrival, Passage, Post
from bastion.checkpoints.services.selfreg import source_of
from bastion.checkpoints.tokens import form_stamp, post_token
from bastion.checkpoints.views.selfreg import INSTRUCTIONS
from bastion.core.models import AuditEvent, User
from tests import factories
from tests.conftest import World, english_client

MORNING = dt.datetime(2020, 2, 3, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """The attempt counter lives in the cache: each test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def traveller() -> Client:
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR="203.0.113.7")


def form_url(post: Post) -> str:
    return reverse("checkpoints:self_register", kwargs={"token": post_token(post)})


def open_form(client: Client, post: Post) -> dict[str, str]:
    """Scan the poster: the form's hidden values (its stamp and idempotency key)."""
    page = client.get(form_url(post))
    assert page.status_code == 200
    form = page.context["form"]
    return {"stamp": form["stamp"].value(), "idempotency_key": str(form["idempotency_key"].value())}


def filled(world: World, hidden: dict[str, str], **changes: Any) -> dict[str, Any]:
    return {
        "direction": "in",
        "name": "王小五",
        "id_number": factories.id_number(7),
        "phone": "13912345678",
        "plate": "新B12345",
        "from_region": "湖北省武汉市",
        "from_division_code": "420100",
        "to_unit": world.village_a.pk,
        "to_outside": "",
        "purpose": "返乡",
        "temperature": "36.6",
        **hidden,
        **changes,
    }


def register(client: Client, world: World, post: Post, **changes: Any) -> HttpResponse:
    response: HttpResponse = client.post(form_url(post), filled(world, open_form(client, post), **changes))
    return response


def test_a_traveller_registers_from_wuhan_to_village_a_and_the_staff_see_it_arrive(
    world: World, highway_exit: Post, duty_officer: User, traveller: Client
) -> None:
    with time_machine.travel(MORNING, tick=False):
        page = traveller.get(form_url(highway_exit))
        assert world.village_a.name in page.content.decode() and world.village_b.name in page.content.decode()
        response = register(traveller, world, highway_exit)
        assert response.status_code == 302
        done_url = response["Location"]
        done = traveller.get(done_url)
    passage = Passage.objects.get()
    assert passage.self_registered and passage.recorded_by is None
    assert passage.post == highway_exit and passage.to_unit == world.village_a
    assert passage.source_hash == source_of("203.0.113.7")
    assert Arrival.objects.get(passage=passage).org_unit == world.village_a
    assert AuditEvent.objects.filter(action="passage.self_register", object_id=str(passage.pk)).exists()
    # The confirmation: the short code, large, and no personal data in its address.
    text = done.content.decode()
    assert done.status_code == 200
    assert passage.confirmation_code in text and "王*五" in text and "王小五" not in text
    assert highway_exit.name in text and "2020-02-03 08:00" in text and "In" in text
    assert "王" not in done_url and "139" not in done_url and passage.id_number not in done_url
    # The duty officer's list shows it.
    staff_passage = Passage.objects.filter(post__staff=duty_officer, self_registered=True).get()
    assert staff_passage.confirmation_code == passage.confirmation_code


def test_the_same_form_sent_twice_registers_once(world: World, highway_exit: Post, traveller: Client) -> None:
    data = filled(world, open_form(traveller, highway_exit))
    first = traveller.post(form_url(highway_exit), data)
    second = traveller.post(form_url(highway_exit), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Passage.objects.count() == 1


def test_the_form_is_chinese_by_default(world: World, highway_exit: Post) -> None:
    page = Client().get(form_url(highway_exit)).content.decode()
    assert '<html lang="zh-hans">' in page and highway_exit.name in page


def test_a_tampered_token_is_refused_and_stores_nothing(world: World, highway_exit: Post, traveller: Client) -> None:
    hidden = open_form(traveller, highway_exit)
    token = post_token(highway_exit)
    pk, _sep, signature = token.partition(":")
    forged = f"{int(pk) + 1}:{signature}"
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        url = reverse("checkpoints:self_register", kwargs={"token": bad})
        assert traveller.get(url).status_code == 400
        response = traveller.post(url, filled(world, hidden))
        assert response.status_code == 400 and "not valid" in response.content.decode()
    assert not Passage.objects.exists()


def test_a_form_of_another_post_is_refused(
    world: World, highway_exit: Post, bus_station: Post, traveller: Client
) -> None:
    bus_form = open_form(traveller, bus_station)
    response = traveller.post(form_url(highway_exit), filled(world, bus_form))
    assert response.status_code == 400 and "another checkpoint" in response.content.decode()
    assert not Passage.objects.exists()


def test_a_stamp_from_elsewhere_or_tampered_is_refused(world: World, highway_exit: Post, traveller: Client) -> None:
    hidden = open_form(traveller, highway_exit)
    for stamp in ("", hidden["stamp"][:-1] + ("A" if hidden["stamp"][-1] != "A" else "B")):
        response = traveller.post(form_url(highway_exit), filled(world, hidden, stamp=stamp))
        assert response.status_code == 400
    assert not Passage.objects.exists()


def test_a_form_of_an_expired_day_is_refused(world: World, highway_exit: Post, traveller: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        hidden = open_form(traveller, highway_exit)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        response = traveller.post(form_url(highway_exit), filled(world, hidden))
    assert response.status_code == 400 and "too long ago" in response.content.decode()
    with time_machine.travel(MORNING + dt.timedelta(hours=13), tick=False):  # the same day, but 13 hours old
        assert traveller.post(form_url(highway_exit), filled(world, hidden)).status_code == 400
    assert not Passage.objects.exists()
    # The poster itself stays good: the same token serves a fresh form the next day.
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        assert register(traveller, world, highway_exit).status_code == 302
    assert Passage.objects.count() == 1


def test_a_form_opened_just_before_midnight_is_taken_just_after(
    world: World, highway_exit: Post, traveller: Client
) -> None:
    evening = dt.datetime(2020, 2, 3, 23, 50, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(evening, tick=False):
        hidden = open_form(traveller, highway_exit)
    with time_machine.travel(evening + dt.timedelta(minutes=15), tick=False):
        assert traveller.post(form_url(highway_exit), filled(world, hidden)).status_code == 302
    with time_machine.travel(evening, tick=False):
        late = open_form(traveller, highway_exit)
    with time_machine.travel(evening + dt.timedelta(hours=2), tick=False):
        assert traveller.post(form_url(highway_exit), filled(world, late)).status_code == 400
    assert Passage.objects.count() == 1


def test_a_closed_post_is_refused(world: World, highway_exit: Post, traveller: Client) -> None:
    hidden = open_form(traveller, highway_exit)
    highway_exit.is_active = False
    highway_exit.save(update_fields=["is_active"])
    assert traveller.get(form_url(highway_exit)).status_code == 400
    response = traveller.post(form_url(highway_exit), filled(world, hidden))
    assert response.status_code == 400 and "closed" in response.content.decode()
    assert not Passage.objects.exists()


def test_the_eleventh_registration_from_one_address_in_ten_minutes_is_refused(
    world: World, highway_exit: Post, traveller: Client
) -> None:
    with time_machine.travel(MORNING, tick=False):
        for serial in range(10):
            response = register(traveller, world, highway_exit, id_number=factories.id_number(serial), phone="")
            assert response.status_code == 302
        eleventh = register(traveller, world, highway_exit, id_number=factories.id_number(10), phone="")
        assert eleventh.status_code == 429 and "Too many" in eleventh.content.decode()
        other_address = Client(headers={"accept-language": "en"}, REMOTE_ADDR="203.0.113.8")
        assert register(other_address, world, highway_exit).status_code == 302
    assert Passage.objects.filter(source_hash=source_of("203.0.113.7")).count() == 10
    with time_machine.travel(MORNING + dt.timedelta(minutes=11), tick=False):
        assert register(traveller, world, highway_exit, id_number=factories.id_number(11)).status_code == 302


def test_a_flood_of_invalid_forms_is_stopped(world: World, highway_exit: Post, traveller: Client) -> None:
    hidden = open_form(traveller, highway_exit)
    statuses = [
        traveller.post(form_url(highway_exit), filled(world, hidden, id_number="123")).status_code for _n in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert register(traveller, world, highway_exit).status_code == 429
    assert not Passage.objects.exists()


def test_an_invalid_id_number_shows_the_message_and_stores_nothing(
    world: World, highway_exit: Post, traveller: Client
) -> None:
    response = register(traveller, world, highway_exit, id_number="652328199001010010")
    assert response.status_code == 200
    assert "check digit of this ID number is wrong" in response.content.decode()
    no_destination = register(traveller, world, highway_exit, to_unit="", to_outside="")
    assert "Choose where you are going" in no_destination.content.decode()
    outside = register(traveller, world, highway_exit, to_unit=world.village_b.pk + 999)
    assert outside.status_code == 200
    assert not Passage.objects.exists()


def test_an_expired_or_forged_confirmation_is_refused(world: World, highway_exit: Post, traveller: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        done_url = register(traveller, world, highway_exit)["Location"]
    with time_machine.travel(MORNING + dt.timedelta(hours=23), tick=False):
        assert traveller.get(done_url).status_code == 200
    with time_machine.travel(MORNING + dt.timedelta(hours=25), tick=False):
        assert traveller.get(done_url).status_code == 400
    assert traveller.get(reverse("checkpoints:self_register_done", kwargs={"token": "1:forged"})).status_code == 400


def poster_text(response: HttpResponse) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_poster_carries_the_name_the_qr_code_and_the_instructions(
    world: World, highway_exit: Post, township_cadre: User
) -> None:
    highway_exit.second_language = "kk"
    highway_exit.save(update_fields=["second_language"])
    response = english_client(township_cadre).get(reverse("checkpoints:poster", args=[highway_exit.pk]))
    assert response.status_code == 200
    text = "".join(poster_text(response).split())
    assert highway_exit.name in text and "扫码自助登记" in text and "出示手机上的确认码" in text
    assert "http://testserver" + form_url(highway_exit) in text  # the address the QR code encodes
    assert "".join(INSTRUCTIONS["kk"][0].split()) in text  # Kazakh, in a font that has its letters
    assert AuditEvent.objects.filter(action="checkpoints.poster", object_id=str(highway_exit.pk)).exists()


def test_the_poster_prints_english_and_leaves_out_what_it_cannot_draw(
    world: World, highway_exit: Post, township_cadre: User
) -> None:
    client = english_client(township_cadre)
    url = reverse("checkpoints:poster", args=[highway_exit.pk])
    highway_exit.second_language = "en"
    highway_exit.save(update_fields=["second_language"])
    assert "Scan to register yourself" in poster_text(client.get(url))
    highway_exit.second_language = "ug"
    highway_exit.save(update_fields=["second_language"])
    text = poster_text(client.get(url))
    assert highway_exit.name in text  # Uyghur only where reportlab can shape Arabic script


def test_a_user_of_another_township_gets_no_poster(
    world: World, highway_exit: Post, village_cadre_b: User, anonymous: Client
) -> None:
    url = reverse("checkpoints:poster", args=[highway_exit.pk])
    assert english_client(village_cadre_b).get(url).status_code == 404
    assert anonymous.get(url).status_code == 302
    assert not AuditEvent.objects.filter(action="checkpoints.poster").exists()


def test_a_form_stamp_names_its_post_and_day(highway_exit: Post) -> None:
    with time_machine.travel(MORNING, tick=False):
        assert form_stamp(highway_exit).startswith(f"{highway_exit.pk}:2020-02-03:")
