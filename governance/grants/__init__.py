"""Grants: calls, applications, screening, reviews, awards, instalments."""
