"""Asking for a password reset: the same answer and the same work whether or not the address
belongs to someone (the email itself is a task), and a limit per address and per client
address, so the form can be used neither to find accounts nor to flood a mailbox."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from accounts.models import PasswordResetRequest
from accounts.tasks import send_password_reset_email

WINDOW = timedelta(hours=1)
MAX_PER_ADDRESS = 3
MAX_PER_CLIENT = 10
KEPT = timedelta(days=1)


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def request_password_reset(*, email: str, client_ip: str | None) -> bool:
    """Queue the reset email for `email`, unless this address or this client already asked
    too often within the hour. Returns whether it was queued; the caller answers the same
    either way."""
    now = timezone.now()
    digest = email_digest(email)
    recent = PasswordResetRequest.objects.filter(requested_at__gt=now - WINDOW)
    PasswordResetRequest.objects.filter(requested_at__lt=now - KEPT).delete()
    if recent.filter(email_digest=digest).count() >= MAX_PER_ADDRESS:
        return False
    if client_ip and recent.filter(client_ip=client_ip).count() >= MAX_PER_CLIENT:
        return False
    PasswordResetRequest.objects.create(email_digest=digest, client_ip=client_ip)
    send_password_reset_email.enqueue(email=email)
    return True
