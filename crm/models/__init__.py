"""The CRM's models, one module per entity, re-exported here."""

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
from crm.models.quotes import PENDING_QUOTE_STATUSES, Quote, QuoteEmail, QuoteStatus

__all__ = [
    "CLOSED_STAGES",
    "CONTACT_ATTEMPT_TYPES",
    "OPEN_STAGES",
    "PENDING_QUOTE_STATUSES",
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
    "Quote",
    "QuoteEmail",
    "QuoteStatus",
    "Record",
    "Segment",
    "Stage",
    "StageChange",
    "StageSetting",
    "name_key",
]
