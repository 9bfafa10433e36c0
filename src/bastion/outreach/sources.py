"""Report sources of outreach (being written)."""
