"""The CRM's models, one module per entity, re-exported here."""

from crm.models.activities import (
    CONTACT_ATTEMPT_TYPES,
    SATISFACTION_TYPES,
    Activity,
    ActivityType,
)
from crm.models.base import Record, name_key
from crm.models.clients import (
    CLIENT_FIELDS,
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
    BANT_FIELDS,
    BANT_QUESTIONS,
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
    "BANT_FIELDS",
    "BANT_QUESTIONS",
    "CLIENT_FIELDS",
    "CLOSED_STAGES",
    "CONTACT_ATTEMPT_TYPES",
    "OPEN_STAGES",
    "SATISFACTION_TYPES",
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
