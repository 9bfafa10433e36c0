"""Periodic jobs of the background worker for command."""
