"""The shared kernel: who acts, errors, states, the calendar, the outbox, delivery, staff decisions and staff identity, the documents index."""
