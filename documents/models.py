"""The document repository: documents, their versions, who downloaded what, and the record
of the (administrator-only) deletions.

A document links to a client, an opportunity and/or a project; its files are versions
(1, 2, ...) kept in the private storage under generated names. Commercial roles never delete
a document: they mark it "Anulado" with a reason, and it stays downloadable.
"""

from typing import cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from crm.models.base import search_document
from documents.uploads import generated_name


class PrivateStorage(LazyObject):
    """The `private` entry of STORAGES, resolved when first used: outside any public URL,
    a setting away from an S3-compatible bucket."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


PRIVATE_STORAGE = PrivateStorage()


def private_storage() -> Storage:
    # The lazy object proxies the Storage (as django-stubs type default_storage).
    return cast(Storage, PRIVATE_STORAGE)


def version_file_name(instance: "DocumentVersion", filename: str) -> str:
    """Generated names only: the uploaded name is kept in `original_name`, never on disk."""
    return generated_name(filename)


class DocumentKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract")
    PROPOSAL = "proposal", _("Proposal")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    OTHER = "other", _("Other")


class DocumentQuerySet(models.QuerySet["Document"]):
    def for_list(self) -> "DocumentQuerySet":
        """What a row of a document list shows, in the same query (no query per row)."""
        return self.select_related(
            "current_version",
            "current_version__uploaded_by",
            "client",
            "opportunity",
            "project",
            "quote",
        )


class Document(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    client = models.ForeignKey(
        "crm.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    project = models.ForeignKey(
        "projects_ro.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # The latest version, kept by the services, so a list joins one row per document.
    current_version = models.OneToOneField(
        "DocumentVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    # Title, quote number and the current file's name, normalised (crm.models.base
    # search_document: no accents, no case): the list's search reads one column of one
    # table, through its index (crm.search). Kept by the services.
    search_text = models.TextField(blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["-uploaded_at", "-id"], name="document_recent"),
            models.Index(fields=["kind", "-uploaded_at", "-id"], name="document_kind_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False)
                | models.Q(opportunity__isnull=False)
                | models.Q(project__isnull=False),
                name="document_linked",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def refresh_search_text(self) -> None:
        quote = getattr(self, "quote", None)
        version = self.current_version if self.current_version_id else None
        parts = [
            self.title,
            quote.number if quote is not None else "",
            version.original_name if version is not None else "",
        ]
        self.search_text = search_document(parts)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class DocumentVersion(models.Model):
    """One uploaded file of a document; never replaced, never renamed."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=version_file_name, max_length=200
    )
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_download_url(self) -> str:
        return reverse("documents:download_version", args=[self.document_id, self.number])


class DocumentDownload(models.Model):
    """Who downloaded which version, when: shown on the document page."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} · {self.user}"


class DocumentDeletion(models.Model):
    """The trace an administrator's deletion leaves: who, when, which files and their hashes.
    Plain values, no foreign keys, so it outlives what it describes."""

    document_id = models.PositiveBigIntegerField(_("document id"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    files = models.JSONField(_("files"), default=list)  # [{version, name, sha256, size}]
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_by_name = models.CharField(_("deleted by (name)"), max_length=150)
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document deletion")
        verbose_name_plural = _("document deletions")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.deleted_at:%Y-%m-%d})"
