"""django-filter FilterSets of the CRM lists, applied inside selectors and views."""
