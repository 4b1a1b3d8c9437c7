"""CRM → Documentos searches through the one normaliser and index (crm.search): accents and
case do not matter in the title, the quote number or the file's name, nor in the client and
opportunity filters."""

import pytest
from django.urls import reverse

from documents.models import Document
from tests.documents.files import make_document, make_quote
from tests.factories import ClientFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(executive):
    client = ClientFactory(name="Petróleos del Sur, C.A.", owner=executive)
    return OpportunityFactory(name="Licitación Ñemby", client=client, owner=executive)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "adenda tecnica"}, ["Adenda Técnica Nº 2"]),
        ({"q": "ADENDA TÉCNICA"}, ["Adenda Técnica Nº 2"]),
        ({"q": "cot-sur-7"}, ["Cotización COT-SUR-7"]),
        ({"q": "anexo-economico"}, ["Cotización COT-SUR-7"]),  # the file's name
        ({"client": "petroleos del sur"}, ["Adenda Técnica Nº 2", "Cotización COT-SUR-7"]),
        ({"opportunity": "licitacion nemby"}, ["Adenda Técnica Nº 2", "Cotización COT-SUR-7"]),
        ({"q": "nada parecido"}, []),
    ],
)
def test_the_list_searches_without_accents_or_case(
    client_as, executive, opportunity, params, expected
):
    make_document(executive, title="Adenda Técnica Nº 2", opportunity=opportunity)
    make_quote(
        executive,
        opportunity=opportunity,
        number="COT-SUR-7",
        name="Anexo-Económico.pdf",
    )

    response = client_as(executive).get(reverse("documents:list"), params)

    assert sorted(d.title for d in response.context["page_obj"].object_list) == expected


def test_the_stored_search_text_is_normalised(executive, opportunity):
    document = make_document(executive, title="Ínforme FINAL", opportunity=opportunity)

    assert Document.objects.get(pk=document.pk).search_text.startswith("informe final")
