from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bastion.core import selectors
from bastion.core.forms import AccountForm, TokenForm, user_initial
from bastion.core.roles import ROLES
from bastion.core.services import accounts as services
from bastion.core.views.helpers import AuthedRequest, form_submit, paginate, query_without_page


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_record_sign_in(user=form.get_user(), signed_in=True)
        return response


@require_POST
def sign_out(request: AuthedRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        services.user_record_sign_in(user=request.user, signed_in=False)
    return auth_views.LogoutView.as_view()(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def get_success_url(self) -> str:
        return "/accounts/me/"

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        services.user_set_password(by=user, user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.get_success_url())


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "core/me.html",
        {
            "tokens": selectors.tokens_of(request.user),
            "token_form": TokenForm(),
            "new_key": request.session.pop("new_token_key", None),
        },
    )


@require_POST
@login_required
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, key = services.token_create(by=request.user, name=form.cleaned_data["name"])
        # Shown once on the next page, never put in a URL.
        request.session["new_token_key"] = key
    else:
        messages.error(request, _("Name the device this token is for."))
    return redirect("core:me")


@require_POST
@login_required
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get_for_user(request.user, token_id)
    services.token_revoke(by=request.user, token=token)
    messages.success(request, _("Token %(name)s was revoked.") % {"name": token.name})
    return redirect("core:me")


@login_required
@permission_required("core.manage_accounts", raise_exception=True)
def users(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    role = request.GET.get("role", "")
    items = selectors.users_for_user(request.user, q=q, role=role)
    return render(
        request,
        "core/users.html",
        {
            "page": paginate(request, items),
            "q": q,
            "role": role,
            "roles": list(ROLES.items()),
            "query": query_without_page(request),
        },
    )


@login_required
@permission_required("core.manage_accounts", raise_exception=True)
def user_create(request: AuthedRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, units=selectors.orgunit_choices_for_user(request.user))
    user = form_submit(
        request,
        form,
        lambda data: services.user_create(
            by=request.user,
            username=data["username"],
            password=data["password"],
            role=data["role"],
            scope_units=list(data["scope_units"]),
            display_name=data["display_name"],
        ),
    )
    if user is not None:
        messages.success(request, _("Account %(name)s was created.") % {"name": user.username})
        return redirect("core:users")
    return render(request, "core/form.html", {"form": form, "title": _("New account")})


@login_required
@permission_required("core.manage_accounts", raise_exception=True)
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    account = selectors.user_get_for_user(request.user, user_id)
    form = AccountForm(
        request.POST or None,
        initial=user_initial(account),
        units=selectors.orgunit_choices_for_user(request.user),
        editing=True,
    )
    updated = form_submit(
        request,
        form,
        lambda data: services.user_update(
            by=request.user,
            user=account,
            role=data["role"],
            scope_units=list(data["scope_units"]),
            display_name=data["display_name"],
            is_active=data["is_active"],
        ),
    )
    if updated is not None:
        messages.success(request, _("Changes saved."))
        return redirect("core:users")
    return render(
        request, "core/form.html", {"form": form, "title": _("Edit account %(name)s") % {"name": account.username}}
    )
