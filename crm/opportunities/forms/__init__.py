"""The opportunity forms, by the screen family that shows them: `board` (a stage move, its
BANT step and the board's query), `page` (the create/edit form and the page's query) and
`flows` (follow-up, won, lost)."""
