"""What the property-based fuzz tests (tests/test_fuzz_*.py) share: the hypothesis profiles,
the values a clumsy user or an attacker sends, a reader of a page's forms, the world the
requests act on, and the rule "never a 500, never a row that cannot be read back".

Profiles (HYPOTHESIS_PROFILE): "ci" (the default: a modest number of examples per target, so
the fuzz tests stay part of the normal suite on both databases) and "deep" (many more, to run
by hand). The number of examples run is printed at the end of the session (tests/conftest.py).
"""

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

COMMON: dict[str, Any] = {
    "deadline": None,
    "database": None,  # nothing written to .hypothesis/: every run starts afresh
    "derandomize": False,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # each example rolls back to the test's world
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}
settings.register_profile("ci", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")), **COMMON)
settings.register_profile("deep", max_examples=400, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

EXAMPLES = {"run": 0}  # counted for the session's closing line


def count_example() -> None:
    EXAMPLES["run"] += 1


# What people send -----------------------------------------------------------------------------

HUGE = "99999999999999999999"
EDGE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    HUGE,
    "-" + HUGE,
    str(2**63),
    str(2**31),
    "-1",
    "0",
    "1",
    "²",
    "١٢",
    "1_000",
    "1e309",
    "NaN",
    "inf",
    "true",
    "null",
    "[]",
    "{}",
    "on",
    "9999-12-31",
    "0001-01-01",
    "1989-12-31",
    "2101-01-01",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-13-01T25:61",
    "31/12/9999 23:59",
    "9999-W52",
    "0001-W01",
    "2026-W53",
    "2026-W00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "//evil.example/",
    "https://evil.example/",
    "../../etc/passwd",
    '=HYPERLINK("x")',
    "a" * 300,
    "\u202e\ufeff\u200b",
    "😀",
]
edge_value = st.sampled_from(EDGE_VALUES)
any_text = st.text(max_size=40)
# Each kind of value with the edges that broke pages before weighted up: a handful of
# examples per target must find them.
DATE_EDGES = ["9999-12-31", "0001-01-01", "1989-12-31", "2101-01-01", "1990-01-01", "2100-12-31"]
DATETIME_EDGES = ["9999-12-31T23:59", "0001-01-01T00:00", "2101-01-01T00:00", "2100-12-31T23:59"]
WEEK_EDGES = ["9999-W52", "0001-W01", "2101-W01", "1990-W01", "2026-W53", "2026-W00"]
NUMBER_EDGES = [HUGE, "-" + HUGE, str(2**63), str(2**31), "-1", "0", "²", "1e309", "1_000"]
dates = st.one_of(st.sampled_from(DATE_EDGES), st.dates().map(lambda day: day.isoformat()))
datetimes = st.one_of(
    st.sampled_from(DATETIME_EDGES),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)
weeks = st.one_of(
    st.sampled_from(WEEK_EDGES),
    st.builds(lambda y, w: f"{y:04d}-W{w:02d}", st.integers(0, 9999), st.integers(0, 60)),
)
numbers = st.one_of(st.sampled_from(NUMBER_EDGES), st.integers().map(str))
OF_KIND = {
    "date": dates,
    "datetime-local": datetimes,
    "week": weeks,
    "number": numbers,
    "hidden": numbers,
    "email": st.emails(),
}


def nasty() -> st.SearchStrategy[str]:
    return st.one_of(edge_value, any_text, numbers, dates, datetimes)


def of_kind(kind: str, offered=()) -> st.SearchStrategy[str]:
    """A value for a control or parameter of that kind: mostly one of its kind (its edges
    first), else something the page offered, else anything at all."""
    own = OF_KIND.get(kind, any_text)
    choices = [own, own, nasty()]
    if offered:
        choices.append(st.sampled_from(list(offered)))
    return st.one_of(*choices)


def value_for(control: "Control") -> st.SearchStrategy[str]:
    return of_kind(control.kind, [value for value in control.options if value is not None])


# Reading a page's forms -----------------------------------------------------------------------


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str | None = None  # what the page sends untouched (None: nothing)
    options: list = field(default_factory=list)
    multiple: bool = False
    checked: list = field(default_factory=list)
    selected: list = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    controls: dict = field(default_factory=dict)

    def untouched(self) -> dict[str, list[str]]:
        """What the browser would send without any change."""
        data: dict[str, list[str]] = {}
        for control in self.controls.values():
            if control.kind in {"checkbox", "radio"}:
                chosen = [value for value, checked in control.checked if checked]
                if chosen:
                    data[control.name] = chosen if control.kind == "checkbox" else chosen[:1]
            elif control.kind == "select":
                chosen = control.selected or control.options[:1]
                if chosen:
                    data[control.name] = chosen if control.multiple else chosen[:1]
            elif control.kind in {"submit", "button", "file", "image", "reset"}:
                continue
            else:
                data[control.name] = [control.value or ""]
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None
        self._option: list | None = None

    def _control(self, name: str, kind: str, **kwargs) -> Control:
        assert self._form is not None, "a control outside a form"
        control = self._form.controls.get(name)
        if control is None:
            control = Control(name=name, kind=kind, **kwargs)
            self._form.controls[name] = control
        return control

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = Form(
                action=attributes.get("action") or "",
                method=(attributes.get("method") or "get").lower(),
                enctype=attributes.get("enctype") or "",
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            control = self._control(name, kind, value=attributes.get("value"))
            if kind in {"checkbox", "radio"}:
                value = attributes.get("value", "on")
                control.options.append(value)
                control.checked.append((value, "checked" in attributes))
            elif kind not in {"submit", "button", "image"}:
                control.options.append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = self._control(name, "select", multiple="multiple" in attributes)
        elif tag == "option" and self._select is not None:
            self._option = [attributes.get("value"), "selected" in attributes, ""]
        elif tag == "textarea" and name:
            self._textarea = self._control(name, "textarea", value="")

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.selected.append(value)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(html: str, *, page_url: str, action_path: str | None = None) -> Form:
    """The page's POST form that submits to `action_path` (default: to the page itself),
    ignoring the navbar's and the column chooser's forms."""
    parser = _FormParser()
    parser.feed(html)
    target = action_path or urlsplit(page_url).path
    for form in parser.forms:
        if form.method != "post":
            continue
        action = urlsplit(form.action).path if form.action else urlsplit(page_url).path
        if action == target:
            return form
    raise AssertionError(f"no form posting to {target} on {page_url}")


WEIGHTED_KINDS = {"date", "datetime-local", "week", "number", "hidden", "select"}


def submissions(form: Form) -> st.SearchStrategy[dict]:
    """Submissions of `form`: each control kept as offered, changed, sent twice or left out,
    plus a few names the form does not have."""
    untouched = form.untouched()
    names = sorted(
        name
        for name, control in form.controls.items()
        if control.kind not in {"submit", "button", "image", "reset", "file"}
    )
    # Dates, numbers, ids and choices broke pages before: they are drawn twice as often.
    names += [name for name in names if form.controls[name].kind in WEIGHTED_KINDS]

    @st.composite
    def build(draw):
        data = {name: list(values) for name, values in untouched.items()}
        for name in draw(st.sets(st.sampled_from(names), min_size=1, max_size=3)) if names else ():
            action = draw(st.sampled_from(["change", "change", "change", "drop", "twice"]))
            if action == "drop":
                data.pop(name, None)
            else:
                values = [draw(value_for(form.controls[name]))]
                if action == "twice":
                    values.append(draw(value_for(form.controls[name])))
                data[name] = values
        if draw(st.booleans()) and draw(st.booleans()):
            data[draw(st.sampled_from(["next", "id", "pk", "owner", "version", "page"]))] = [
                draw(nasty())
            ]
        return data

    return build()


def query_strings(params: dict[str, str]) -> st.SearchStrategy[dict]:
    """Query strings of a page: one to three of the parameters it reads (`params`: name →
    kind), each once or twice, mostly with values of its kind, now and then a parameter it
    does not read."""
    names = sorted(params)

    @st.composite
    def build(draw):
        query = {}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            values = draw(st.lists(of_kind(params[name]), min_size=1, max_size=2))
            query[name] = values
        if draw(st.integers(0, 5)) == 0:
            query[draw(st.sampled_from(["x", "next", "\x00"]))] = [draw(nasty())]
        return query

    return build()


def run_target(check, name: str, failures: list[str]) -> None:
    """Run one target's hypothesis test; a failure (the shrunk example and its error) is kept
    for the report and the next target runs."""
    try:
        check()
    except Exception as error:  # every failure is reported by the caller
        found = error.exceptions if isinstance(error, ExceptionGroup) else [error]
        for each in found:
            failures.append(f"{name}: {type(each).__name__}: {each}")


# The rule -------------------------------------------------------------------------------------


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} on {what}"


def readable(client, path: str) -> None:
    """A page that must open after a successful change: 200 (or 404 when the change removed
    what it shows), never a server error."""
    response = client.get(path)
    assert response.status_code in (200, 302, 404), f"{response.status_code} reading {path}"


@transaction.atomic
def in_rollback(function):
    """Run one example inside a savepoint that is undone afterwards: every example starts from
    the test's world, however the previous one changed it."""
    try:
        return function()
    finally:
        transaction.set_rollback(True)
