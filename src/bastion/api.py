"""The JSON API at /api/v1/: django-ninja, OpenAPI 3 at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from bastion.checkpoints.api import router as checkpoints_router
from bastion.command.api import router as command_router
from bastion.command.api_structure import router as command_structure_router
from bastion.core.api import router as core_router
from bastion.core.services.accounts import token_authenticate
from bastion.dashboard.api import router as dashboard_router
from bastion.mobilization.api import router as mobilization_router
from bastion.mobilization.api_deployment import router as deployment_router
from bastion.observation.api import router as observation_router
from bastion.observation.api_care import router as care_router
from bastion.outreach.api import router as outreach_router
from bastion.outreach.api_activities import router as outreach_activities_router
from bastion.outreach.api_notices import router as outreach_notices_router
from bastion.outreach.api_places import router as outreach_places_router
from bastion.reporting.api import router as reporting_router
from bastion.residents.api import router as residents_router
from bastion.supplies.api import router as supplies_router


class DeviceToken(HttpBearer):
    """`Authorization: Bearer bst_…`, a token created on the user's page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Bastion API",
    version="1",
    urls_namespace="api",
    auth=[DeviceToken(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


api.add_router("/", core_router)
api.add_router("/", reporting_router)
api.add_router("/", residents_router)
api.add_router("/", observation_router)
api.add_router("/", care_router)
api.add_router("/", checkpoints_router)
api.add_router("/", supplies_router)
api.add_router("/", mobilization_router)
api.add_router("/", deployment_router)
api.add_router("/", command_router)
api.add_router("/", command_structure_router)
api.add_router("/", outreach_router)
api.add_router("/", dashboard_router)
api.add_router("/", outreach_notices_router)
api.add_router("/", outreach_activities_router)
api.add_router("/", outreach_places_router)
__all__ = ["api"]
