"""Uploaded import files between the preview and the confirmation.

Each upload lives in PRIVATE_MEDIA_ROOT/imports/<token>/ (never under a public URL): the
file itself and a small JSON with who uploaded it, for which import, when, and whether its
preview had errors. A token is random, bound to its uploader and valid for TOKEN_TTL;
every new upload sweeps away the expired ones, so abandoned previews do not pile up.
"""

import json
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from config.tokens import is_url_token

TOKEN_TTL = timedelta(hours=1)
META = "meta.json"
CLAIMED = "meta.claimed"  # the meta file once a confirmation has started


@dataclass
class StoredUpload:
    token: str
    kind: str
    user_id: int
    uploaded_at: str  # ISO 8601, UTC
    filename: str
    extension: str
    has_errors: bool | None = None  # None until a preview ran
    claimed: bool = False  # a confirmation is running or ran (a double click, say)

    @property
    def folder(self) -> Path:
        return imports_root() / self.token

    @property
    def path(self) -> Path:
        return self.folder / f"upload.{self.extension}"

    @property
    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.uploaded_at) + TOKEN_TTL

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def content(self) -> bytes:
        return self.path.read_bytes()


def imports_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports"


def save_upload(
    *, user: User, kind: str, filename: str, extension: str, content: bytes
) -> "StoredUpload":
    """Keep an upload for its preview and confirmation; returns it with its new token."""
    discard_expired()
    upload = StoredUpload(
        token=secrets.token_urlsafe(32),
        kind=kind,
        user_id=user.pk,
        uploaded_at=timezone.now().isoformat(),
        filename=Path(filename).name[:200],
        extension=extension,
    )
    upload.folder.mkdir(mode=0o700, parents=True)
    upload.path.write_bytes(content)
    upload.path.chmod(0o600)
    _write_meta(upload)
    return upload


def load_upload(*, token: str, user: User, kind: str) -> StoredUpload | None:
    """The user's own upload for this import, or None (unknown, someone else's, other
    kind): callers answer 404 without saying which."""
    if not is_url_token(token):
        return None
    folder = imports_root() / token
    try:
        meta = folder / META if (folder / META).exists() else folder / CLAIMED
        upload = StoredUpload(**json.loads(meta.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    upload.claimed = meta.name == CLAIMED
    if upload.user_id != user.pk or upload.kind != kind or not upload.path.is_file():
        return None
    return upload


def mark_previewed(upload: StoredUpload, *, has_errors: bool) -> None:
    upload.has_errors = has_errors
    _write_meta(upload)


def claim(upload: StoredUpload) -> bool:
    """Take the upload for one confirmation; False if another request already took it.
    A rename is atomic, so of two simultaneous confirmations exactly one goes ahead."""
    try:
        (upload.folder / META).rename(upload.folder / CLAIMED)
    except FileNotFoundError:
        return False
    upload.claimed = True
    return True


def discard(upload: StoredUpload) -> None:
    shutil.rmtree(upload.folder, ignore_errors=True)


def discard_expired(now: datetime | None = None) -> int:
    """Remove uploads older than TOKEN_TTL (and any stray entry older than that)."""
    root = imports_root()
    if not root.is_dir():
        return 0
    limit = (now or timezone.now()) - TOKEN_TTL
    removed = 0
    for entry in root.iterdir():
        modified = datetime.fromtimestamp(entry.stat().st_mtime, tz=UTC)
        if modified < limit:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


def _write_meta(upload: StoredUpload) -> None:
    target = upload.folder / META
    target.write_text(json.dumps(asdict(upload)))
    target.chmod(0o600)
