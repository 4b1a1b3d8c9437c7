"""The opportunity reads, scoped to the user. `visibility` holds THE rules of who sees and
who edits an opportunity (`opportunities_visible_to`, `opportunity_edit_rule`, the
`get_*_or_404/403` of one row), which the other apps (activities, documents, dashboard,
reports) reuse; `board`, `list`, `page` and `flows` hold the reads of each screen family,
each built on `visibility`."""
