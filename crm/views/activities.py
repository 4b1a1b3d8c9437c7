# Placeholder while the activities screens are being written.
from django.http import Http404


def activity_list_view(request):
    raise Http404


def activity_week_view(request):
    raise Http404


def activity_create_view(request):
    raise Http404


def activity_detail_view(request, pk):
    raise Http404


def activity_complete_view(request, pk):
    raise Http404


def activity_reschedule_view(request, pk):
    raise Http404


def activity_cancel_view(request, pk):
    raise Http404


def activity_complaint_view(request, pk):
    raise Http404


def activity_upsell_view(request, pk):
    raise Http404
