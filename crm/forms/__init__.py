"""Forms of the CRM, one module per screen family."""
