"""Import of clients and contacts from Excel or CSV files, for the commercial roles.

The flow (crm/views/imports.py): upload → the file is checked (files.py) and kept under
PRIVATE_MEDIA_ROOT for one hour, bound to its uploader (storage.py) → a dry run through
django-import-export (resources.py), rolled back, shows a preview with row-level errors
(report.py) → on confirmation the same rows are imported for real in one transaction
(services.py). Every write goes through crm.services, so the history is recorded.
"""
