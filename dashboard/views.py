from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import module_required
from accounts.roles import VIEW
from dashboard.selectors import home_figures


@require_GET
@module_required("dashboard", VIEW)
def home(request):
    return render(request, "dashboard/home.html", {"figures": home_figures(user=request.user)})
