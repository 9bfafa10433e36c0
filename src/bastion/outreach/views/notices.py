"""Notices: the publicity group's list, form, versions, withdrawal and poster; and the public page of each unit.

The two public views (``public_unit``, ``public_notice``) are the only pages without login. They are built to be
cached: they never read ``request.user`` or the session and render their standalone template without the request
(no context processors, no CSRF token), so no middleware adds ``Vary: Cookie`` or a cookie; they answer with
``Cache-Control: public, max-age=60``, an ETag and a Last-Modified, and 304 to a conditional GET that matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bastion.core import selectors as core_selectors
from bastion.core.models import OrgUnit
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page, unit_asked_for
from bastion.outreach.forms_notices import NoticeForm
from bastion.outreach.languages import BY_CODE, CHINESE, NOTICE_LANGUAGES, NoticeLanguage, in_order
from bastion.outreach.models import Notice
from bastion.outreach.notice_poster import poster_pdf
from bastion.outreach.selectors import notices as selectors
from bastion.outreach.services import notices as services

PUBLIC_MAX_AGE = 60  # seconds a phone or a proxy may keep a public page without asking again
PUBLIC_PAGE_VERSION = "1"  # part of the ETag: change it when the public templates change
PUBLIC_RENDERED_SECONDS = 600  # a rendered public page kept in the cache, under its ETag


def _public_url(request: HttpRequest, notice: Notice) -> str:
    return request.build_absolute_uri(reverse("outreach:public_notice", args=[notice.org_unit_id, notice.pk]))


@login_required
@permission_required("outreach.view_notice", raise_exception=True)
def notice_list(request: AuthedRequest) -> HttpResponse:
    unit = unit_asked_for(request)
    status = request.GET.get("status", "").strip()[:20]
    q = request.GET.get("q", "").strip()[:100]
    notices = selectors.notices_for_user(request.user, unit=unit, status=status, q=q)
    context = {
        "page": paginate(request, notices),
        "query": query_without_page(request),
        "unit": unit,
        "status": status,
        "q": q,
        "statuses": selectors.STATUSES,
        "units": core_selectors.orgunit_choices_for_user(request.user, levels=3),
        "now": timezone.now(),
    }
    return render(request, "outreach/notices/list.html", context)


def _form_page(request: AuthedRequest, form: NoticeForm, title: str, cancel: str) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel}
    return render(request, "outreach/notices/form.html", context, status=400 if form.is_bound else 200)


@login_required
@permission_required("outreach.add_notice", raise_exception=True)
def notice_new(request: AuthedRequest) -> HttpResponse:
    units = core_selectors.orgunit_choices_for_user(request.user, levels=3)
    initial = {"org_unit": units.first(), "publish_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = NoticeForm(request.POST or None, units=units, initial=initial)

    def save(data: dict[str, Any]) -> Notice:
        return services.notice_create(by=request.user, org_unit=data["org_unit"], **form.service_arguments())

    notice = form_submit(request, form, save)
    if notice is not None:
        messages.success(request, _("Notice saved: print its poster for the notice boards."))
        return redirect("outreach:notice_detail", notice_id=notice.pk)
    return _form_page(request, form, _("New notice"), reverse("outreach:notice_list"))


@login_required
@permission_required("outreach.view_notice", raise_exception=True)
def notice_detail(request: AuthedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(request.user, notice_id)
    versions = [
        {
            "language": BY_CODE[code],
            "title": notice.texts[code].get("title", ""),
            "body": notice.texts[code].get("body", ""),
        }
        for code in in_order(notice.texts)
    ]
    context = {
        "notice": notice,
        "status": selectors.notice_status(notice),
        "statuses": selectors.STATUSES,
        "texts": versions,
        "history": [
            {
                "version": version,
                "title": version.texts.get(CHINESE, {}).get("title", ""),
                "languages": [BY_CODE[code].name for code in in_order(version.texts)],
            }
            for version in selectors.notice_versions(notice)
        ],
        "public_url": _public_url(request, notice),
    }
    return render(request, "outreach/notices/detail.html", context)


@login_required
@permission_required("outreach.change_notice", raise_exception=True)
def notice_edit(request: AuthedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(request.user, notice_id)
    form = NoticeForm(request.POST or None, notice=notice)
    saved = form_submit(
        request, form, lambda data: services.notice_update(by=request.user, notice=notice, **form.service_arguments())
    )
    if saved is not None:
        messages.success(request, _("Notice saved as version %(number)s.") % {"number": saved.version})
        return redirect("outreach:notice_detail", notice_id=notice.pk)
    detail = reverse("outreach:notice_detail", args=[notice.pk])
    return _form_page(request, form, _("Edit the notice"), detail)


@require_POST
@login_required
@permission_required("outreach.change_notice", raise_exception=True)
def notice_withdraw(request: AuthedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(request.user, notice_id)
    try:
        services.notice_withdraw(by=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The notice is withdrawn from the public page."))
    return redirect("outreach:notice_detail", notice_id=notice.pk)


@login_required
@permission_required("outreach.view_notice", raise_exception=True)
def notice_poster(request: AuthedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(request.user, notice_id)
    response = HttpResponse(poster_pdf(notice, _public_url(request, notice)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


# The public page: no login, no session, cacheable ------------------------------------------------------------------


def _language_asked(request: HttpRequest) -> NoticeLanguage:
    return BY_CODE.get(request.GET.get("lang", ""), BY_CODE[CHINESE])


def _shown(notice: Notice, language: NoticeLanguage) -> dict[str, Any]:
    """The notice in ``language``, or in Chinese when it has no such version: what the templates show."""
    shown = language if language.code in notice.texts else BY_CODE[CHINESE]
    version = notice.texts[shown.code]
    return {
        "notice": notice,
        "title": version.get("title", ""),
        "body": version.get("body", ""),
        "lang": shown.code,
        "rtl": shown.rtl,
    }


def _links(languages: set[str], chosen: NoticeLanguage) -> list[dict[str, Any]]:
    """A plain link per language on the page, Chinese first (``?lang=``; no script, no cookie)."""
    return [
        {"language": language, "query": "" if language.code == CHINESE else f"?lang={language.code}"}
        for language in NOTICE_LANGUAGES
        if language.code == CHINESE or language.code in languages
    ]


def _last_modified(unit: OrgUnit) -> dt.datetime:
    """The latest change that shows on the unit's page (``selectors.public_unit_get`` annotated the unit)."""
    names = ("units_changed", "notices_edited", "notices_published", "notices_withdrawn")
    moments: list[dt.datetime] = [unit.updated_at, *(getattr(unit, name) for name in names)]
    return max(moment for moment in moments if moment is not None)


def _public_response(
    request: HttpRequest,
    template: str,
    unit: OrgUnit,
    language: NoticeLanguage,
    parts: tuple[object, ...],
    build: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The page, or 304 when the conditional GET matches; cacheable by anyone for ``PUBLIC_MAX_AGE`` seconds.

    The validators come from ``unit`` alone (one query). The rendered page is kept in the cache under its ETag,
    so a phone that has not seen this version yet costs that query and a cache read: ``build`` (the notices'
    query and the rendering) runs once per version, language and worker.
    """
    last_modified = _last_modified(unit)
    state = "|".join(str(p) for p in (PUBLIC_PAGE_VERSION, language.code, last_modified.isoformat(), *parts))
    etag = '"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"'
    timestamp = int(last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        key = f"outreach:public:{etag.strip(chr(34))}"
        html = cache.get(key)
        if html is None:
            # The chrome (a heading, a date label) in English for English readers, in Chinese for everyone else.
            with translation.override("en" if language.code == "en" else "zh-hans"):
                html = render_to_string(template, {**build(), "unit": unit, "language": language})
            cache.set(key, html, PUBLIC_RENDERED_SECONDS)
        response = HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    response["Content-Language"] = language.code
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
def public_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Open to anyone: the current notices of the unit and of the units above it, titles in the chosen language."""
    language = _language_asked(request)
    unit = selectors.public_unit_get(unit_id)

    def build() -> dict[str, Any]:
        notices = selectors.public_notices(unit)
        languages = {code for notice in notices for code in notice.texts}
        return {
            "notices": [_shown(notice, language) for notice in notices],
            "links": _links(languages, language),
            "html_lang": language.code,
        }

    return _public_response(request, "outreach/public/unit.html", unit, language, (unit.pk,), build)


@require_safe
def public_notice(request: HttpRequest, unit_id: int, notice_id: int) -> HttpResponse:
    """Open to anyone: one current notice on the unit's page, in the chosen language (Chinese when it has none).

    A notice that is not (or no longer) on the page is not found: its withdrawal, or the end of its time, changed
    the unit's validators, so no cached copy of the page answers for it.
    """
    language = _language_asked(request)
    unit = selectors.public_unit_get(unit_id)

    def build() -> dict[str, Any]:
        notice = selectors.public_notice_get(unit, notice_id)
        return {
            "shown": _shown(notice, language),
            "links": _links(set(notice.texts), language),
            "html_lang": language.code,
        }

    return _public_response(request, "outreach/public/notice.html", unit, language, (unit.pk, notice_id), build)


urlpatterns = [
    path("notices/", notice_list, name="notice_list"),
    path("notices/new/", notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", notice_detail, name="notice_detail"),
    path("notices/<int:notice_id>/edit/", notice_edit, name="notice_edit"),
    path("notices/<int:notice_id>/withdraw/", notice_withdraw, name="notice_withdraw"),
    path("notices/<int:notice_id>/poster.pdf", notice_poster, name="notice_poster"),
    path("n/<int:unit_id>/", public_unit, name="public_unit"),
    path("n/<int:unit_id>/<int:notice_id>/", public_notice, name="public_notice"),
]
