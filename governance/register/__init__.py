"""The share register: entries and holdings, subscriptions, payments and bank statements, transfers, resignations, refunds, the legal extract."""
