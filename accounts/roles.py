"""The roles matrix: role -> module -> rights. The single source of truth for authorization.

`sync_roles()` turns it into Django groups and permissions on every migrate; views check the
resulting model permissions; the navigation and the authorization-matrix test read it too.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import User


class Role(StrEnum):
    EXECUTIVE = "Ejecutivo Comercial"
    MANAGER = "Gerente Comercial"
    ADMIN = "Administrador"
    OPERATIONS = "Operaciones"
    FINANCE = "Finanzas"
    LEGAL = "Legal"
    QUALITY = "Calidad"


COMMERCIAL_ROLES = (Role.EXECUTIVE, Role.MANAGER)
HANDOFF_ROLES = (Role.OPERATIONS, Role.FINANCE, Role.LEGAL, Role.QUALITY)

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_RIGHTS = (VIEW, ADD, CHANGE, DELETE)


@dataclass(frozen=True)
class Module:
    """A module of the app: the models it covers and extra (non-CRUD) permissions."""

    models: tuple[str, ...]  # "app_label.model_name"
    extra: tuple[str, ...] = ()  # "app_label.codename", granted with the module's VIEW


MODULES: dict[str, Module] = {
    "crm": Module(
        models=(
            "crm.client",
            "crm.contact",
            "crm.opportunity",
            "crm.activity",
            "crm.complaint",
            "crm.quote",
        )
    ),
    "projects": Module(models=("projects_ro.project",)),
    "contractors": Module(models=("contractors_ro.contractor",)),
    "documents": Module(models=("documents.document",)),
    "dashboard": Module(models=(), extra=("dashboard.view_dashboard",)),
    "team": Module(models=(), extra=("dashboard.view_team_dashboard",)),
    "administration": Module(
        models=(
            "accounts.user",
            "accounts.companysettings",
            "auth.group",
            "crm.industry",
            "crm.productservice",
            "crm.competitor",
            "crm.stagesetting",
            "documents.documentdeletion",
            "crm.forecastsnapshot",
            "crm.exchangerate",
        ),
        extra=(
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accesslog",
            "axes.view_accessfailurelog",
            "django_tasks_database.view_dbtaskresult",
            "accounts.view_undeliveredemail",
            "accounts.change_undeliveredemail",  # its "send again" action
            "audit.view_securityevent",
            "accounts.view_authenticator",
            "accounts.delete_authenticator",
            "accounts.view_recoverycodeset",
            "accounts.delete_recoverycodeset",
        ),
    ),
}

MATRIX: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.EXECUTIVE: {
        "crm": ALL_RIGHTS,
        "projects": (VIEW,),
        "contractors": (VIEW,),
        "documents": (VIEW, ADD),
        "dashboard": (VIEW,),
    },
    Role.MANAGER: {
        "crm": ALL_RIGHTS,
        "projects": (VIEW,),
        "contractors": (VIEW,),
        "documents": (VIEW, ADD),
        "dashboard": (VIEW,),
        "team": (VIEW,),
    },
    Role.ADMIN: {module: ALL_RIGHTS for module in MODULES},
    Role.OPERATIONS: {},
    Role.FINANCE: {},
    Role.LEGAL: {},
    Role.QUALITY: {},
}


def permission_names(role: Role) -> set[str]:
    """The "app_label.codename" permissions the matrix gives to a role."""
    names: set[str] = set()
    for module_name, rights in MATRIX[role].items():
        module = MODULES[module_name]
        for model in module.models:
            app_label, model_name = model.split(".")
            names.update(f"{app_label}.{right}_{model_name}" for right in rights)
        if VIEW in rights:
            names.update(module.extra)
    return names


def sync_roles() -> None:
    """Create the role groups and set their permissions to exactly what the matrix says."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = permission_names(role)
        query = Q(pk__in=[])
        for name in wanted:
            app_label, codename = name.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(query))
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        missing = wanted - found
        if missing:
            raise LookupError(f"Permissions in the roles matrix do not exist: {sorted(missing)}")
        group.permissions.set(permissions)


# The attribute user_roles keeps a user's roles under (not a field of User).
_ROLES_CACHE = "_rumbo_roles"


def user_roles(user: User) -> set[Role]:
    """The user's roles, read once per request object and kept on it."""
    if not user.is_authenticated:
        return set()
    roles: set[Role] | None = getattr(user, _ROLES_CACHE, None)
    if roles is None:
        names = set(user.groups.values_list("name", flat=True))
        roles = {role for role in Role if role.value in names}
        setattr(user, _ROLES_CACHE, roles)
    return roles


def is_administrator(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMIN in user_roles(user))


def is_manager(user: User) -> bool:
    """Managers and administrators always see every record and can reassign."""
    return is_administrator(user) or Role.MANAGER in user_roles(user)


_RIGHTS_CACHE = "_rumbo_module_rights"


def module_rights(user: User, module_name: str) -> set[str]:
    """The rights a user has on a module, read from their (cached) model permissions.

    Kept on the user object beside Django's own cache of those permissions (ModelBackend's
    `_perm_cache`), and only while that very cache is there: the navigation, the views and
    their flags ask a dozen times a page, and each ask went through every authentication
    backend for every model of the module (a sixth of a page's time). Users without that
    cache (anonymous, inactive, superusers: answered without it) are asked afresh."""
    # getattr/setattr, not __dict__: request.user is a lazy object that forwards them.
    kept: dict[tuple, tuple[object, frozenset[str]]] | None
    if (kept := getattr(user, _RIGHTS_CACHE, None)) is None:
        kept = {}
        setattr(user, _RIGHTS_CACHE, kept)
    key = (module_name, user.is_active, user.is_superuser)
    perm_cache = getattr(user, "_perm_cache", None)
    if perm_cache is not None and (entry := kept.get(key)) and entry[0] is perm_cache:
        return set(entry[1])
    rights = _module_rights(user, module_name)
    if (perm_cache := getattr(user, "_perm_cache", None)) is not None:
        kept[key] = (perm_cache, frozenset(rights))
    return rights


def _module_rights(user: User, module_name: str) -> set[str]:
    """What `user.has_perm` answers for the module's permissions, asked of one set: the
    user's permissions read once (ModelBackend keeps them), instead of a has_perm per right
    and model, each going through every authentication backend."""
    module = MODULES[module_name]
    # has_perm answers True to an active superuser for every permission (None: all).
    granted = None if user.is_active and user.is_superuser else user.get_all_permissions()

    def has(name: str) -> bool:
        return granted is None or name in granted

    rights: set[str] = set()
    for right in ALL_RIGHTS:
        if module.models and all(
            has(f"{model.split('.')[0]}.{right}_{model.split('.')[1]}") for model in module.models
        ):
            rights.add(right)
    if module.extra and all(has(name) for name in module.extra):
        rights.add(VIEW)
    return rights
