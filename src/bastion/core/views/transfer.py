# Placeholder until the Excel import/export lands (same session).
from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


units_export = units_import = units_template = _todo
institutions_export = institutions_import = institutions_template = job_detail = _todo
