"""The test client the suite's fixtures hand out (tests/conftest.py's `client` and `client_as`)."""

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from django.test import Client


class SignInClient(Client):
    """Django's test client, with a sign-in that does not first make a throwaway session.

    Client._login reads `self.session`, which for a client without a session cookie saves a
    new empty session (a key lookup and an INSERT) only for login() to load it, cycle its key
    (a second INSERT) and delete it: 7 of force_login's 21 queries. Here a client without a
    cookie signs in on a new unsaved session, which login() keys and saves once; a client
    with one signs in on it, as Django's does. login() itself runs unchanged, so every
    user_logged_in receiver (axes' access log, the two-factor step, the security log's
    sign-in event, last_login) runs as in production."""

    def _login(self, user, backend=None):
        from django.contrib.auth import login

        engine = import_module(settings.SESSION_ENGINE)
        cookie = self.cookies.get(settings.SESSION_COOKIE_NAME)
        request = HttpRequest()
        request.session = engine.SessionStore(cookie.value if cookie else None)
        login(request, user, backend)
        request.session.save()
        self._set_login_cookies(request)
