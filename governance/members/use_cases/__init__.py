"""Members: use cases: one business action each, one transaction."""
