# Placeholder while the opportunity form and page are being written.
from django.http import Http404


def opportunity_create_view(request):
    raise Http404


def client_contacts_view(request):
    raise Http404


def opportunity_detail_view(request, pk):
    raise Http404


def opportunity_edit_view(request, pk):
    raise Http404


def opportunity_delete_view(request, pk):
    raise Http404


def opportunity_share_view(request, pk):
    raise Http404
