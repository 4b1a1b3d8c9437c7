"""The CRM's models, one module per entity, re-exported here."""

from crm.models.action_plans import ActionPlan, ActionPlanItem
from crm.models.activities import (
    CONTACT_ATTEMPT_TYPES,
    SATISFACTION_TYPES,
    WHOLE_TEAM,
    Activity,
    ActivityType,
)
from crm.models.base import Record, name_key
from crm.models.clients import (
    CLIENT_FIELDS,
    CONTACT_FIELDS,
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
    OPEN_STATUSES,
    Complaint,
    ComplaintArea,
    ComplaintPriority,
    ComplaintStatus,
)
from crm.models.exchange_rates import ExchangeRate, RateSource
from crm.models.forecasts import SNAPSHOT_MONTHS, ForecastSnapshot
from crm.models.goals import GoalPeriod, SalesGoal
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
from crm.models.quotes import PENDING_QUOTE_STATUSES, Quote, QuoteEmail, QuoteStatus

__all__ = [
    "BANT_FIELDS",
    "BANT_QUESTIONS",
    "CLIENT_FIELDS",
    "CLOSED_STAGES",
    "CONTACT_ATTEMPT_TYPES",
    "CONTACT_FIELDS",
    "OPEN_STAGES",
    "OPEN_STATUSES",
    "PENDING_QUOTE_STATUSES",
    "SATISFACTION_TYPES",
    "SNAPSHOT_MONTHS",
    "WHOLE_TEAM",
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
    "ExchangeRate",
    "ForecastSnapshot",
    "GoalPeriod",
    "Industry",
    "LeadSource",
    "LossReason",
    "Opportunity",
    "OpportunityUserObjectPermission",
    "ProductService",
    "Quote",
    "QuoteEmail",
    "QuoteStatus",
    "RateSource",
    "Record",
    "SalesGoal",
    "Segment",
    "Stage",
    "StageChange",
    "StageSetting",
    "name_key",
]
