from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from config.pagination import paginate


@require_GET
@login_required
def notification_list_view(request):
    """Every signed-in user reads only their own notifications, unread first."""
    notifications = request.user.notifications.order_by("-created_at", "-pk")
    context = {"page_obj": paginate(request, notifications)}
    return render(request, "accounts/notification_list.html", context)


@require_GET
@login_required
def unread_count_view(request):
    """The header's bell badge, loaded by htmx so pages do not pay for it."""
    count = request.user.notifications.filter(read_at__isnull=True).count()
    return render(request, "accounts/notification_list.html#badge", {"unread": count})


@require_POST
@login_required
def notification_read_view(request, pk: int):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:notifications")


@require_POST
@login_required
def notification_read_all_view(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("accounts:notifications")
