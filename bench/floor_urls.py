"""Bastion's URLs, and last of them the floor view of ``bench.checkpoints_floor`` (no effect on the others)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bastion.urls import urlpatterns as bastion_urlpatterns
from bench.checkpoints_floor import FLOOR_PATH, replay

urlpatterns = [*bastion_urlpatterns, path(FLOOR_PATH.lstrip("/"), csrf_exempt(replay))]
