"""The opportunity feature, in one place: CRM → Oportunidades (the board, the list, the
opportunity page and form, the follow-up, won and lost flows, sharing and export).

Each layer sits side by side, split by screen family where a layer would not fit in one
readable module: `views/` (board.py: the board and the stage move; list.py: the list and its
export; page.py: the form, the page, sharing and deletion; flows.py: "Dar Seguimiento",
"Cerrar Venta", "Gestionar Oportunidad Perdida"), `forms/` (the same families), `selectors/`
(visibility.py: who sees and who edits an opportunity, used by every app that lists one;
board.py, list.py, page.py, flows.py: the reads of each screen), `services.py` (every write;
`opportunity_move_stage` is the only writer of a stage) and `filters.py` (the board's and
the list's FilterSets). The models stay in `crm.models.opportunities`, the FAQ stage and
BANT rules in `crm.stage_rules`, the templates in `templates/crm/opportunity_*.html`.
"""
