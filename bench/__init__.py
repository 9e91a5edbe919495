"""`make bench`: every performance target measured at the cooperative's real scale."""
