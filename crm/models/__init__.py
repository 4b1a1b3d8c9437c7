"""The CRM's models, one module per entity, re-exported here."""

from crm.models.action_plans import ActionPlan, ActionPlanItem
from crm.models.activities import (
    CONTACT_ATTEMPT_TYPES,
    SATISFACTION_TYPES,
    Activity,
    ActivityType,
)
from crm.models.base import Record, name_key
from crm.models.clients import (
    ChangeRecord,
    Client,
    ClientKind,
    ClientUserObjectPermission,
    Contact,
    Industry,
    LeadSource,
    Segment,
)
from crm.models.complaints import (
    Complaint,
    ComplaintArea,
    ComplaintPriority,
    ComplaintStatus,
)
from crm.models.opportunities import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Competitor,
    LossReason,
    Opportunity,
    OpportunityUserObjectPermission,
    ProductService,
    Stage,
    StageChange,
    StageSetting,
)

__all__ = [
    "CLOSED_STAGES",
    "CONTACT_ATTEMPT_TYPES",
    "OPEN_STAGES",
    "SATISFACTION_TYPES",
    "ActionPlan",
    "ActionPlanItem",
    "Activity",
    "ActivityType",
    "ChangeRecord",
    "Client",
    "ClientKind",
    "ClientUserObjectPermission",
    "Competitor",
    "Complaint",
    "ComplaintArea",
    "ComplaintPriority",
    "ComplaintStatus",
    "Contact",
    "Industry",
    "LeadSource",
    "LossReason",
    "Opportunity",
    "OpportunityUserObjectPermission",
    "ProductService",
    "Record",
    "Segment",
    "Stage",
    "StageChange",
    "StageSetting",
    "name_key",
]
