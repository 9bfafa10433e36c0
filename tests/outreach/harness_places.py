"""Village B's places for the scope harness (tests/scope_harness.py): a supermarket with a failed inspection (its
rectification set to township B's command post, a photo on the failed answer) and a disinfection; and the snapshot
that must not change."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bastion.outreach.models import ChecklistItem, Disinfection, Inspection, InspectionAnswer, Place
from tests.scope_harness import Outsider, out_of_scope

PLACE_NAME = "沈家沟超市"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _place_of_b(b: Outsider) -> Place:
    from bastion.outreach.services.disinfection import disinfection_record
    from bastion.outreach.services.inspections import AnswerInput, inspection_record
    from tests import factories
    from tests.command.harness_structure import _post_of_b as structure_post_of_b  # imported by the harness already
    from tests.outreach.factories import place

    existing = Place.objects.filter(name=PLACE_NAME).first()
    if existing is not None:
        return existing
    structure_post_of_b(b)
    inspector = factories.account("working_group", b.world.township_b, username="charlie-inspector")
    supermarket = place(b.world.village_b, PLACE_NAME)
    answers = [
        AnswerInput(item, item.code != "temperature", "沈家沟入口无人测温" if item.code == "temperature" else "")
        for item in ChecklistItem.objects.filter(place_kind=supermarket.kind, is_active=True)
    ]
    answers = [a._replace(photo=png()) if not a.passed else a for a in answers]
    inspection_record(
        by=inspector,
        place=supermarket,
        inspected_at=timezone.now() - dt.timedelta(hours=2),
        inspectors="沈家沟检查组",
        answers=answers,
        rectify_by=timezone.localdate() + dt.timedelta(days=3),
    )
    disinfection_record(
        by=inspector,
        org_unit=b.world.village_b,
        place=supermarket,
        agent="84消毒液",
        concentration="500mg/L",
        done_at=timezone.now() - dt.timedelta(days=1),
        done_by="沈家沟消杀队",
    )
    return supermarket


@out_of_scope("place_id")
def _place(b: Outsider) -> int:
    return int(_place_of_b(b).pk)


@out_of_scope("inspection_id")
def _inspection(b: Outsider) -> int:
    return int(_place_of_b(b).inspections.get().pk)


@out_of_scope("answer_id")
def _answer(b: Outsider) -> int:
    return int(InspectionAnswer.objects.get(inspection__place=_place_of_b(b), passed=False).pk)


@out_of_scope("checklist_item_id")
def _checklist_item(b: Outsider) -> int:
    """County-wide checklists: a user scoped below the top of the tree may not change them."""
    return int(ChecklistItem.objects.get(place_kind__code="supermarket", code="temperature").pk)


def places_of_b(in_b: dict[str, str]) -> dict[str, Any]:
    inspection_in_b = {f"inspection__{k}": v for k, v in in_b.items()}
    return {
        "places": list(
            Place.objects.filter(**in_b).values_list(
                "pk", "name", "kind_id", "address", "responsible_name", "disinfect_every_days", "is_active"
            )
        ),
        "inspections": list(
            Inspection.objects.filter(**in_b).values_list("pk", "result", "rectification_id", "rectify_by", "note")
        ),
        "inspection_answers": list(
            InspectionAnswer.objects.filter(**inspection_in_b).values_list("pk", "passed", "note", "photo")
        ),
        "disinfections": list(Disinfection.objects.filter(**in_b).values_list("pk", "agent", "done_at")),
        "checklist_items": list(ChecklistItem.objects.values_list("pk", "code", "names", "is_active")),
    }
