from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bastion.core.demo import count_divisions, county_build, demo_accounts, demo_complete
from bastion.core.divisions import DivisionError
from bastion.core.roles import ROLES, roles_sync


class Command(BaseCommand):
    help = "Build a county's org-unit tree from official division codes (and, with --demo, the demo county)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="the county's 6-digit division code, e.g. 652328")
        parser.add_argument("--demo", action="store_true", help="add demo compounds, institutions and accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        roles_sync()
        try:
            total = count_divisions(options["division"])
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("division codes", total=total)
                result = county_build(options["division"], progress=lambda name: bar.advance(task))
        except DivisionError as exc:
            raise CommandError(str(exc)) from exc
        console.print(
            f"[bold]{result.county.name}[/] ({result.county.division_code}): "
            f"{result.created} units created, {result.existing} already present."
        )
        if options["demo"]:
            demo_complete(result.county)
            from bastion.reporting.demo import demo_reporting

            demo_reporting(result.county)
            from bastion.residents.demo import demo_residents

            demo_residents(result.county)
            from bastion.observation.demo import demo_observation

            demo_observation(result.county)
            from bastion.checkpoints.demo import demo_checkpoints

            demo_checkpoints(result.county)
            from bastion.supplies.demo import demo_supplies

            demo_supplies(result.county)
            from bastion.mobilization.demo import demo_mobilization

            demo_mobilization(result.county)
            from bastion.command.demo import demo_command

            demo_command(result.county)
            from bastion.outreach.demo import demo_outreach

            demo_outreach(result.county)
            from bastion.dashboard.figures import figures_rebuild

            figures_rebuild()  # the demos backdate some records after writing them: count the figures afresh
            table = Table(title=f"Demo accounts (password: {settings.DEMO_PASSWORD})")
            for column in ("user name", "role", "scope"):
                table.add_column(column)
            for username, role, scope in demo_accounts(result.county):
                table.add_row(username, str(ROLES[role]), scope)
            console.print(table)
