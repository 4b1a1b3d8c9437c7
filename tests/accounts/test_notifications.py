import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notify
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_active_recipient_and_emails_after_commit(
    django_capture_on_commit_callbacks,
):
    ana = UserFactory(email="ana@rumbo.test")
    inactive = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ana, ana, inactive], subject="Venta cerrada", body="Detalle")
    assert Notification.objects.get().recipient == ana
    assert [m.to for m in mail.outbox] == [["ana@rumbo.test"]]
    assert Notification.objects.get().emailed_at is not None


def test_each_user_sees_only_their_own_notifications(client, executive, other_executive):
    Notification.objects.create(recipient=executive, subject="Para ejecutivo")
    Notification.objects.create(recipient=other_executive, subject="Para el otro")
    client.force_login(executive)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert "Para ejecutivo" in html and "Para el otro" not in html


def test_the_unread_badge_counts_unread_only(client, executive):
    Notification.objects.create(recipient=executive, subject="a")
    Notification.objects.create(recipient=executive, subject="b")
    client.force_login(executive)
    badge = client.get(reverse("accounts:notifications_unread_count")).content.decode()
    assert ">2<" in badge
    client.post(reverse("accounts:notifications_read_all"))
    badge = client.get(reverse("accounts:notifications_unread_count")).content.decode()
    assert badge.strip() == ""


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, executive):
    notification = Notification.objects.create(
        recipient=executive, subject="Reasignada", url="/proyectos/"
    )
    client.force_login(executive)
    response = client.post(reverse("accounts:notification_read", args=[notification.pk]))
    assert response["Location"] == "/proyectos/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_external_link_is_never_followed(client, executive):
    notification = Notification.objects.create(
        recipient=executive, subject="x", url="https://evil.example.com/"
    )
    client.force_login(executive)
    response = client.post(reverse("accounts:notification_read", args=[notification.pk]))
    assert response["Location"] == reverse("accounts:notifications")


def test_handoff_areas_land_on_their_notifications_after_signing_in(client):
    finance = UserFactory(roles=[Role.FINANCE])
    client.force_login(finance)
    response = client.get(reverse("dashboard:home"))
    assert response["Location"] == reverse("accounts:notifications")
    assert client.get(response["Location"]).status_code == 200


def test_the_notifications_page_costs_the_same_queries_for_1_and_50(
    client, executive, django_assert_num_queries
):
    client.force_login(executive)
    url = reverse("accounts:notifications")
    Notification.objects.create(recipient=executive, subject="una")
    client.get(url)
    with django_assert_num_queries(7) as one:
        client.get(url)
    Notification.objects.bulk_create(
        Notification(recipient=executive, subject=f"n{i}") for i in range(49)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
