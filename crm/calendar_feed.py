"""A user's planned activities as an iCalendar (RFC 5545) feed for Google Calendar/Outlook.

The feed is written here, line by line from `values()` rows, rather than through the
`icalendar` package's component objects: building 2,000 `Event`s cost about half a second
per request at the reference volume, and calendar apps re-read the feed every few minutes.
The text is the one `icalendar` wrote (same properties, order, escaping and folding; a test
compares the two byte for byte), except that the calendar's name is escaped as TEXT too.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from crm.models import Activity
from crm.models.activities import ActivityType

PAST_DAYS = 30
FUTURE_DAYS = 365
# A feed is re-read by calendar apps every few minutes: it carries at most this many events,
# the window's first ones (a month back is rarely that busy; the app shows the rest).
MAX_EVENTS = 2_000
DEFAULT_DURATION = timedelta(minutes=30)
# RFC 5545 §3.1: content lines SHOULD NOT be longer than 75 octets (the line break excluded).
FOLD_LIMIT = 75
_PK_PLACEHOLDER = 2_147_483_647  # any pk: the detail URL's shape, filled in per row


def activities_for_feed(*, user: User) -> QuerySet:
    now = timezone.now()
    return (
        Activity.objects.filter(
            owner=user,
            cancelled_at__isnull=True,
            scheduled_at__gte=now - timedelta(days=PAST_DAYS),
            scheduled_at__lte=now + timedelta(days=FUTURE_DAYS),
            client__deleted_at__isnull=True,
        )
        .order_by("scheduled_at", "pk")
        .values(
            "pk",
            "type",
            "subject",
            "notes",
            "scheduled_at",
            "updated_at",
            "done_at",
            "opportunity_id",
            "client__name",
            "opportunity__name",
        )[:MAX_EVENTS]
    )


def _text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping (backslash, semicolon, comma, line breaks), in the
    order `icalendar` applies it."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 §3.1 folding: lines of at most 74 octets, continued after CRLF + space,
    never splitting a character nor a backslash escape."""
    if len(line) < FOLD_LIMIT and line.isascii():
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= FOLD_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode())
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def build_feed(*, user: User) -> bytes:
    types = {value: str(label) for value, label in ActivityType.choices}
    url_prefix, url_suffix = (
        settings.SITE_URL + reverse("crm:activity_detail", args=[_PK_PLACEHOLDER])
    ).split(str(_PK_PLACEHOLDER))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Rumbo CRM//Actividades//ES",
        _fold(f"X-WR-CALNAME:{_text(f'Rumbo CRM · {user}')}"),
    ]
    for row in activities_for_feed(user=user):
        pk, start = row["pk"], row["scheduled_at"]
        kind = types.get(row["type"], row["type"])
        description = [row["client__name"]]
        if row["opportunity_id"]:
            description.append(row["opportunity__name"])
        if row["notes"]:
            description.append(row["notes"])
        lines += (
            "BEGIN:VEVENT",
            _fold(f"SUMMARY:{_text(f'{kind}: {row["subject"]}')}"),
            f"DTSTART:{_utc(start)}",
            f"DTEND:{_utc(start + DEFAULT_DURATION)}",
            f"DTSTAMP:{_utc(row['updated_at'])}",
            f"UID:activity-{pk}@rumbo-crm",
            _fold(f"DESCRIPTION:{_text(chr(10).join(description))}"),
            "STATUS:CONFIRMED" if row["done_at"] is None else "STATUS:COMPLETED",
            _fold(f"URL:{url_prefix}{pk}{url_suffix}"),
            "END:VEVENT",
        )
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
