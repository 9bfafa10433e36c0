from bastion.residents.models.persons import CategoryTag, GroupHead, Household, Person, TravelEntry
from bastion.residents.models.screening import (
    ACCOUNTED,
    Campaign,
    Outcome,
    ScreeningRound,
    Symptom,
    Visit,
    VisitTask,
)

__all__ = [
    "ACCOUNTED",
    "Campaign",
    "CategoryTag",
    "GroupHead",
    "Household",
    "Outcome",
    "Person",
    "ScreeningRound",
    "Symptom",
    "TravelEntry",
    "Visit",
    "VisitTask",
]
