"""Members: onboarding, admission and welcome, contact details, the old system's import, the portal's access, erasure."""
