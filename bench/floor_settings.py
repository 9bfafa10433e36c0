"""Bastion's settings with ``bench.floor_urls``: the load test's server, with the floor view beside the API."""

from bastion.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
