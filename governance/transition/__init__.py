"""The cooperative transition campaign: invitations, answers, reminders, restriction."""
