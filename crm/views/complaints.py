# Placeholder while the complaints screens are being written.
from django.http import Http404


def complaint_list_view(request):
    raise Http404


def complaint_create_view(request):
    raise Http404


def complaint_detail_view(request, pk):
    raise Http404


def complaint_edit_view(request, pk):
    raise Http404
