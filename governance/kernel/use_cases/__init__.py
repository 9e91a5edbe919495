"""The shared kernel: use cases: one business action each, one transaction."""
