"""The opportunity views, one module per screen family: `board` (the pipeline board, a
column's "Ver más", the stage move), `list` (the list and its Excel/CSV export), `page` (the
create/edit form, the opportunity page, sharing, deletion) and `flows` (follow-up, won,
lost). URLs in crm/urls.py (names `crm:opportunity_*`)."""
