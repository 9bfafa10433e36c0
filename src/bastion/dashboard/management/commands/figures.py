"""``bastion figures rebuild|verify``: recompute the dashboard's figures from the records, or check them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bastion.dashboard.figures import FIGURES, figures_rebuild, figures_verify


class Command(BaseCommand):
    help = "Rebuild the dashboard's live figures from the records, or verify them against the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "verify"])
        parser.add_argument("--key", action="append", dest="keys", help="only this figure (repeatable)")

    def handle(self, *args: Any, action: str, keys: list[str] | None, **options: Any) -> None:
        unknown = sorted(set(keys or []) - set(FIGURES))
        if unknown:
            raise CommandError(f"unknown figures: {', '.join(unknown)}")
        if action == "rebuild":
            self.stdout.write(f"{figures_rebuild(keys)} rows written for {len(keys or FIGURES)} figures")
            return
        differences = figures_verify(keys)
        for key, rows in differences.items():
            for unit_id, day, kept, fresh in rows[:20]:
                self.stdout.write(f"{key} unit {unit_id} {day}: kept {kept}, records {fresh}")
        if differences:
            raise CommandError(f"{len(differences)} figures differ from the records; run `bastion figures rebuild`")
        self.stdout.write(f"all {len(keys or FIGURES)} figures equal the records")
