from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bastion.core.models import User


class Command(BaseCommand):
    help = "Create a superuser who sees the whole tree (asks for the password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"user {options['username']} exists already")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise CommandError("the passwords differ")
        User.objects.create_superuser(options["username"], password=password)
        self.stdout.write(f"superuser {options['username']} created")
