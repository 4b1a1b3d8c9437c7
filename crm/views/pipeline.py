# Placeholder while the board, the list and stage moves are being written.
from django.http import Http404


def opportunity_list_view(request):
    raise Http404


def opportunity_board_view(request):
    raise Http404


def opportunity_board_column_view(request, stage):
    raise Http404


def opportunity_move_view(request, pk):
    raise Http404
