from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin
from crm.imports.columns import Column
from crm.imports.files import MAX_BYTES, FileRejected, Table, extension_of, read_upload


class ImportFileForm(BootstrapFormMixin, forms.Form):
    """The upload of step 2. A valid form has read the file: `table` holds its rows."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Excel (.xlsx) or CSV (.csv), up to 5 MB and 2,000 rows, with the column names "
            "in row 1."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, columns: tuple[Column, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.table: Table | None = None
        self.content = b""

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # refused before reading it into memory
            raise ValidationError(
                _("The file is larger than 5 MB. Split it into smaller files and import each.")
            )
        self.content = upload.read()
        try:
            self.table = read_upload(self.content, upload.name, self.columns)
        except FileRejected as exc:
            raise ValidationError(str(exc)) from None
        return upload

    @property
    def extension(self) -> str:
        return extension_of(self.cleaned_data["file"].name)
