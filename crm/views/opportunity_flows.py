# Placeholder while the follow-up, won and lost flows are being written.
from django.http import Http404


def follow_up_view(request, pk):
    raise Http404


def win_view(request, pk):
    raise Http404


def lose_view(request, pk):
    raise Http404
