"""A database outage answers 503, not 500.

When PostgreSQL (or SQLite's file) cannot be reached, every request would fail with a
generic 500 and log a traceback or two. Django turns any exception raised by a view or a
middleware into the `handler500` response, so this module's `server_error` is the one place
that tells an outage from a bug: for a connection failure it answers **503 Service
Unavailable** with `Retry-After` and the Spanish "servicio no disponible" page
(`templates/503.html`, rendered without the database) and logs one line per request, no
traceback; anything else is Django's usual 500. Nothing is kept between requests: Django
drops a broken connection at the end of the request (`close_if_unusable_or_obsolete`), so
the first request after the database is back is served normally, with no restart.
"""

import logging
import sqlite3
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from config.logsafe import clean_text

logger = logging.getLogger("rumbo.outage")

RETRY_AFTER_SECONDS = 10
# PostgreSQL SQLSTATEs of a server that is away: class 08 (connection exception) and the
# server shutting down or starting up (57P01-57P03). A client-side failure to connect has
# no SQLSTATE at all.
POSTGRES_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03")
# SQLite: the file cannot be opened or read, or another writer holds it for too long.
SQLITE_OUTAGE_CODES = frozenset(
    {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR}
)
LOGGED_FLAG = "_rumbo_outage_logged"
# Set on a response, it keeps Django's "Internal Server Error" line with traceback out of the
# log (django.utils.log.log_response).
DJANGO_LOGGED_FLAG = "_has_been_logged"


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached (as opposed to a bad query)."""
    if isinstance(exc, InterfaceError):
        return True  # "connection already closed" and the like
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in SQLITE_OUTAGE_CODES
    state = getattr(cause, "sqlstate", None)
    return state is None or state.startswith(POSTGRES_OUTAGE_STATES)


def outage_reason(exc: BaseException) -> str:
    """The first line of the driver's message, e.g. "connection refused"."""
    text = str(exc).strip().splitlines()
    return clean_text(text[0] if text else type(exc).__name__, 200)


def service_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 page for `request`, logged once per request (a failure in a response phase
    of a middleware comes here again for the same request)."""
    if not getattr(request, LOGGED_FLAG, False):
        setattr(request, LOGGED_FLAG, True)
        logger.error(
            "Database unavailable, answered 503: %s %s (%s)",
            clean_text(request.method, 10),
            clean_text(request.path, 200),
            outage_reason(exc),
        )
    # No request in the context: context processors may query the database.
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    setattr(response, DJANGO_LOGGED_FLAG, True)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """`handler500`: called by Django while it handles the uncaught exception."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return service_unavailable(request, exc)
    return django_server_error(request, template_name=template_name)
