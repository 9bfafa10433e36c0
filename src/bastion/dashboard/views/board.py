"""Placeholder until the module lands."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
