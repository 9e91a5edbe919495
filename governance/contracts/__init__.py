"""Work contracts: declaration, checks, approval, paperwork, client invoices and e-invoices."""
