"""Property-based fuzzing of every form: the form is read off its page (its controls, what
they hold, the options they offer) and sent back with some controls changed to anything at
all, sent twice or left out, as a plain post and over htmx. The rule: never a server error,
and after a change is saved, the page it leads to and the records' pages still open (a saved
row that cannot be read back, as PostgreSQL's year 10000 once did, fails here).
See tests/fuzz_support.py."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz_support import (
    assert_no_server_error,
    count_example,
    in_rollback,
    post_form,
    readable,
    run_target,
    submissions,
)
from tests.fuzz_world import build_world

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def pk(attribute):
    return lambda w: getattr(w, attribute).pk


# (target, the page with the form, where the form posts (None: to the page itself))
TARGETS = [
    ("client_create", url("crm:client_create"), None),
    ("client_edit", url("crm:client_edit", pk("client")), None),
    ("client_share", url("crm:client_share", pk("client")), None),
    ("client_delete", url("crm:client_delete", pk("client")), None),
    ("client_bulk_segment", url("crm:client_list"), url("crm:client_bulk_segment")),
    (
        "list_columns",
        url("crm:client_list"),
        lambda w: reverse("accounts:list_columns", args=["clients"]),
    ),
    ("opportunity_create", url("crm:opportunity_create"), None),
    ("opportunity_edit", url("crm:opportunity_edit", pk("proposal")), None),
    ("opportunity_share", url("crm:opportunity_share", pk("opportunity")), None),
    ("opportunity_delete", url("crm:opportunity_delete", pk("opportunity")), None),
    ("opportunity_move", url("crm:opportunity_move", pk("proposal")), None),
    ("opportunity_move_bant", url("crm:opportunity_move", pk("opportunity")), None),
    ("opportunity_follow_up", url("crm:opportunity_follow_up", pk("proposal")), None),
    ("opportunity_win", url("crm:opportunity_win", pk("closing")), None),
    ("opportunity_lose", url("crm:opportunity_lose", pk("proposal")), None),
    ("activity_create", url("crm:activity_create"), None),
    ("activity_complete", url("crm:activity_complete", pk("activity")), None),
    ("activity_complete_meeting", url("crm:activity_complete", pk("meeting")), None),
    ("activity_reschedule", url("crm:activity_reschedule", pk("activity")), None),
    ("activity_cancel", url("crm:activity_cancel", pk("activity")), None),
    ("activity_complaint", url("crm:activity_complaint", pk("post_sale")), None),
    ("activity_upsell", url("crm:activity_upsell", pk("post_sale")), None),
    ("complaint_create", url("crm:complaint_create"), None),
    ("complaint_edit", url("crm:complaint_edit", pk("complaint")), None),
    ("action_plan_create", url("crm:report_action_plan_create"), None),
    (
        "action_schedule",
        lambda w: reverse("crm:report_action_schedule", args=[w.plan.items.get().pk]),
        None,
    ),
    (
        "recycle_bin_restore",
        url("crm:recycle_bin"),
        lambda w: reverse("crm:recycle_bin_restore", args=["cliente", w.deleted_client.pk]),
    ),
    ("preferences", url("accounts:preferences"), None),
    ("password_change", url("accounts:password_change"), None),
    ("document_upload", url("documents:upload"), None),
]


def test_no_submission_breaks_a_form(client, manager, executive, private_storage):
    """Each form gets its own examples; the world is built once and every example rolls back
    to it. All the failing forms are reported together."""
    world = build_world(manager=manager, executive=executive)
    client.force_login(manager)
    reads = [  # the pages a bad date once broke for everyone
        reverse("crm:client_tab", args=[world.client.pk, "actividades"]),
        world.proposal.get_absolute_url(),
        world.activity.get_absolute_url(),
    ]
    failures = []
    for name, page, action in TARGETS:
        page_url = page(world)
        response = client.get(page_url)
        assert response.status_code == 200, page_url
        action_path = action(world) if action else None
        form = post_form(response.content.decode(), page_url=page_url, action_path=action_path)
        run_target(_fuzzer(client, action_path or page_url, form, reads), name, failures)
    assert not failures, "\n\n".join(failures)


def _fuzzer(client, post_url: str, form, reads: list[str]):
    @given(data=submissions(form), htmx=st.booleans())
    def check(data, htmx):
        count_example()

        def submit():
            headers = HTMX if htmx else {}
            response = client.post(post_url, data, **headers)  # multipart, as a browser may
            assert_no_server_error(response, f"POST {post_url} {data!r}")
            if response.status_code == 302:  # saved: what it leads to and the records open
                for path in (response["Location"], *reads):
                    readable(client, path)

        in_rollback(submit)

    return check
