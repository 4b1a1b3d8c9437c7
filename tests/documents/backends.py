"""An email backend that behaves like a mail server refusing the recipient."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {"cliente@empresa.com.ve": (550, b"Mailbox unavailable")}
        )
