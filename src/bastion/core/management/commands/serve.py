from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Bastion with gunicorn and run the background worker (huey) beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        worker = subprocess.Popen([sys.executable, "-m", "bastion.cli", "run_huey", "--quiet"])
        try:
            self.stdout.write(f"Bastion at http://{options['bind']}/ (Ctrl-C to stop)")
            subprocess.call(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "bastion.wsgi",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["web_workers"]),
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-",
                ]
            )
        finally:
            worker.terminate()
            worker.wait(timeout=10)
