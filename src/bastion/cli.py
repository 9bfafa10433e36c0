"""The `bastion` console command: Django's management commands under one name.

`bastion serve`, `bastion init`, `bastion createadmin` and every Django
command (`bastion migrate`, `bastion shell`, ...) go through here.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bastion.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bastion", *sys.argv[1:]])


if __name__ == "__main__":
    main()
