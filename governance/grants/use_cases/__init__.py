"""Grants: use cases: one business action each, one transaction."""
