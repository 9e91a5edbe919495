"""Repositories on the unit of work: the only code that writes their tables."""
