from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.models import CompanySettings
from accounts.roles import VIEW, is_manager, module_rights
from accounts.selectors import assignable_executives
from crm.selectors.quotes import quotes_expiring_for
from dashboard.selectors import home_figures, sales_figures


@require_GET
@login_required
def home(request):
    # People outside sales (Operaciones, Finanzas, Legal) land on their notifications.
    if VIEW not in module_rights(request.user, "dashboard"):
        return redirect("accounts:notifications")
    team_view = is_manager(request.user)
    executives = list(assignable_executives()) if team_view else []
    chosen = next((u for u in executives if str(u.pk) == request.GET.get("ejecutivo")), None)
    settings = CompanySettings.load()
    context = {
        "figures": home_figures(user=request.user),
        "sales": sales_figures(user=request.user, executive=chosen),
        "team_view": team_view,
        "executives": executives,
        "chosen_executive": chosen,
        "currency": settings.currency,
        "expiring_quotes": list(
            quotes_expiring_for(user=request.user, days=settings.quote_expiry_notice_days)
        ),
    }
    return render(request, "dashboard/home.html", context)
