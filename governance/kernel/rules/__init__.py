"""The shared kernel: rules (pure: no database, clock, orchestration, mail or templates)."""
