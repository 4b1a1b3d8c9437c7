from django.db.models import Count, Q

from contractors_ro.models import Contractor, ContractorStatus
from projects_ro.models import Project, ProjectStatus


def home_figures(*, user) -> dict:
    """The dashboard's opening figures; each is one aggregate query whatever the volume."""
    projects = Project.objects.aggregate(
        total=Count("pk"), in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS))
    )
    contractors = Contractor.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractorStatus.ACTIVE))
    )
    return {
        "projects_total": projects["total"],
        "projects_in_progress": projects["in_progress"],
        "contractors_active": contractors["active"],
    }
