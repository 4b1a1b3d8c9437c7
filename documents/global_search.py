"""The navbar's global search kinds that documents owns: quotes (found through their
document's search index) and documents, registered in DocumentsConfig.ready after the CRM's
own kinds (crm.selectors.global_search)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Quote
from crm.opportunities.selectors.visibility import opportunities_visible_to
from crm.search import search_q
from crm.selectors.global_search import Hit, SearchSource
from documents.models import Document
from documents.selectors import documents_visible_to


def _quotes(user: User, value: str, terms: list[str]) -> QuerySet[Quote]:
    """Quotes whose number contains the term, of opportunities the user sees. The quote's
    document carries its number in its `search_text`: its index finds the candidates."""
    documents = Document.objects.filter(search_q(Document, terms)).values("pk")
    return (
        Quote.objects.filter(document__in=documents, number__icontains=value)
        .filter(opportunity__in=opportunities_visible_to(user=user).values("pk"))
        .select_related("opportunity")
        .only("id", "number", "opportunity__id", "opportunity__name")
        .order_by("-pk")
    )


def _documents(user: User, value: str, terms: list[str]) -> QuerySet[Document]:
    return (
        documents_visible_to(user=user)
        .filter(search_q(Document, terms))
        .only("id", "title", "kind")
    )


def _quote_hit(quote: Quote) -> Hit:
    return Hit(quote.number, quote.opportunity.name, quote.opportunity.get_absolute_url())


def _document_hit(document: Document) -> Hit:
    return Hit(document.title, document.get_kind_display(), document.get_absolute_url())


SOURCES = (
    # Quotes are the opportunities': whoever sees the CRM finds them.
    SearchSource("quotes", _("Quotes"), "crm", _quotes, _quote_hit),
    SearchSource(
        "documents", _("Documents"), "documents", _documents, _document_hit, "documents:list"
    ),
)
