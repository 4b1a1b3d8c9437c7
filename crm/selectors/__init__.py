"""Reads of the CRM, already scoped to what the user may see: one module per entity."""
