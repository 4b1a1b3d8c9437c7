from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.roles import VIEW, module_rights
from dashboard.selectors import home_figures


@require_GET
@login_required
def home(request):
    # People outside sales (Operaciones, Finanzas, Legal) land on their notifications.
    if VIEW not in module_rights(request.user, "dashboard"):
        return redirect("accounts:notifications")
    return render(request, "dashboard/home.html", {"figures": home_figures(user=request.user)})
