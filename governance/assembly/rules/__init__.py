"""Assembly: rules (pure: no database, clock, orchestration, mail or templates)."""
