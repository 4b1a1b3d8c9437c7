from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from config.tokens import is_url_token
from crm.calendar_feed import build_feed


@require_GET
def calendar_feed_view(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The personal ICS feed. No session: calendar apps cannot sign in, so the secret token
    in the URL is the credential; rotating it (Preferencias) revokes the old URL."""
    if not is_url_token(token):  # by shape, before any query (PostgreSQL refuses a NUL)
        raise Http404
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    response = HttpResponse(build_feed(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rumbo-actividades.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
