import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.roles import (
    MATRIX,
    Role,
    is_administrator,
    is_manager,
    module_rights,
    permission_names,
    sync_roles,
)


def group_permissions(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
def test_every_role_has_a_group_with_exactly_the_matrix_permissions():
    for role in Role:
        assert group_permissions(role) == permission_names(role)


@pytest.mark.django_db
def test_handoff_groups_have_no_crm_rights():
    for role in (Role.OPERATIONS, Role.FINANCE, Role.LEGAL):
        assert group_permissions(role) == set()


@pytest.mark.django_db
def test_sync_removes_rights_that_left_the_matrix_and_restores_missing_ones():
    group = Group.objects.get(name=Role.EXECUTIVE.value)
    stray = Permission.objects.get(codename="change_project")
    group.permissions.add(stray)
    group.permissions.remove(Permission.objects.get(codename="view_project"))

    sync_roles()

    assert group_permissions(Role.EXECUTIVE) == permission_names(Role.EXECUTIVE)


@pytest.mark.django_db
def test_migrate_twice_is_idempotent():
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)
    assert group_permissions(Role.MANAGER) == permission_names(Role.MANAGER)


def test_executive_reads_but_never_writes_projects_and_contractors():
    assert MATRIX[Role.EXECUTIVE]["projects"] == ("view",)
    assert MATRIX[Role.EXECUTIVE]["contractors"] == ("view",)
    assert "delete" not in MATRIX[Role.EXECUTIVE]["documents"]


@pytest.mark.django_db
def test_role_helpers(executive, manager, administrator, no_role_user):
    assert module_rights(executive, "projects") == {"view"}
    assert module_rights(executive, "crm") == {"view", "add", "change", "delete"}
    assert module_rights(no_role_user, "projects") == set()
    assert module_rights(administrator, "projects") == {"view", "add", "change", "delete"}
    assert is_manager(manager) and not is_manager(executive)
    assert is_administrator(administrator) and not is_administrator(manager)
