"""The unit page section: whom to call."""
