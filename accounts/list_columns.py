"""The columns a user chooses to see in a list ("Columnas"), remembered per user and per list.

One mechanism for every list: a list declares its `ColumnSet` once (keys, labels, which are
shown by default, which can never be hidden) and registers it; its view puts
`column_set.for_user(user)` in the context as `columns`; its template shows a column when
`columns.shown.<key>` and includes `includes/list_columns.html` for the "Columnas" control,
which posts to `accounts:list_columns` (a plain form, enhanced by htmx).

The choice lives in `User.list_columns` (a JSON object keyed by list), loaded with the user
by the authentication middleware: applying it costs a list page no query.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise

from accounts.models import User


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    default: bool = True  # shown until the user chooses otherwise
    required: bool = False  # always shown (the record's name): the row must stay a link


@dataclass(frozen=True)
class ColumnSet:
    name: str  # the key in User.list_columns and in the URL
    module: str  # the roles-matrix module whose VIEW right the list needs
    list_url_name: str  # where the control sends the user back when `next` is unusable
    columns: tuple[Column, ...]

    def keys(self, user: User) -> frozenset[str]:
        """The keys of the columns this user sees: their choice, else the defaults."""
        required = {column.key for column in self.columns if column.required}
        stored = (user.list_columns or {}).get(self.name)
        if not isinstance(stored, list):
            return frozenset(required | {c.key for c in self.columns if c.default})
        known = {column.key for column in self.columns}
        return frozenset(required | (known & set(stored)))

    def for_user(self, user: User) -> "ChosenColumns":
        return ChosenColumns(column_set=self, keys=self.keys(user))


@dataclass(frozen=True)
class ChosenColumns:
    """What a list template needs: `shown.<key>`, `label.<key>`, the control's options."""

    column_set: ColumnSet
    keys: frozenset[str]

    # Read a dozen times per row of a list page: built once (per request, as the view makes
    # this object), the labels translated once in the request's language.
    @cached_property
    def shown(self) -> dict[str, bool]:
        return {column.key: column.key in self.keys for column in self.column_set.columns}

    @cached_property
    def label(self) -> dict[str, str]:
        return {column.key: str(column.label) for column in self.column_set.columns}

    @property
    def options(self) -> list[tuple[Column, bool]]:
        return [(column, column.key in self.keys) for column in self.column_set.columns]

    @property
    def save_url(self) -> str:
        return reverse("accounts:list_columns", args=[self.column_set.name])


COLUMN_SETS: dict[str, ColumnSet] = {}


def register(column_set: ColumnSet) -> ColumnSet:
    """Make a list's columns choosable through `accounts:list_columns`."""
    COLUMN_SETS[column_set.name] = column_set
    return column_set


@transaction.atomic
def list_columns_save(*, user: User, column_set: ColumnSet, keys: list[str] | None) -> list[str]:
    """Remember the columns `user` chose for `column_set` (unknown keys are dropped; the
    required columns need not be sent). `keys=None` forgets the choice: back to the defaults.
    Returns what was stored."""
    # Locked and re-read: a choice saved meanwhile for another list is kept.
    current = get_user_model().objects.select_for_update().only("list_columns").get(pk=user.pk)
    chosen = dict(current.list_columns) if isinstance(current.list_columns, dict) else {}
    if keys is None:
        chosen.pop(column_set.name, None)
        stored = []
    else:
        known = [column.key for column in column_set.columns if not column.required]
        stored = [key for key in known if key in set(keys)]
        chosen[column_set.name] = stored
    current.list_columns = chosen
    current.save(update_fields=["list_columns"])
    user.list_columns = chosen
    return stored
