from bastion.observation.models.care import (
    CareCategory,
    CarePerson,
    DeliveryLine,
    DeliveryRequest,
    NeedItem,
    WelfareContact,
)
from bastion.observation.models.cases import (
    CaseEvent,
    HealthCheck,
    IsolationSite,
    ObservationCase,
    ObservationReason,
    Referral,
)

__all__ = [
    "CareCategory",
    "CarePerson",
    "CaseEvent",
    "DeliveryLine",
    "DeliveryRequest",
    "HealthCheck",
    "IsolationSite",
    "NeedItem",
    "ObservationCase",
    "ObservationReason",
    "Referral",
    "WelfareContact",
]
