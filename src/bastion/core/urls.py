from django.urls import path

from bastion.core.views import accounts, audit, home, notifications, orgunits, transfer

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("units/", orgunits.tree, name="tree"),
    path("units/<int:unit_id>/", orgunits.detail, name="unit"),
    path("units/<int:unit_id>/children/", orgunits.children, name="unit_children"),
    path("units/<int:unit_id>/new/", orgunits.create, name="unit_create"),
    path("units/<int:unit_id>/edit/", orgunits.edit, name="unit_edit"),
    path("units/<int:unit_id>/move/", orgunits.move, name="unit_move"),
    path("units/<int:unit_id>/deactivate/", orgunits.set_active, {"active": False}, name="unit_deactivate"),
    path("units/<int:unit_id>/activate/", orgunits.set_active, {"active": True}, name="unit_activate"),
    path("units/<int:unit_id>/institutions/new/", orgunits.institution_create, name="institution_create"),
    path("units/<int:unit_id>/contacts/new/", orgunits.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/delete/", orgunits.contact_delete, name="contact_delete"),
    path("institutions/", orgunits.institutions, name="institutions"),
    path("institutions/<int:institution_id>/edit/", orgunits.institution_edit, name="institution_edit"),
    path("units/export.xlsx", transfer.units_export, name="units_export"),
    path("units/import/", transfer.units_import, name="units_import"),
    path("units/import/template.xlsx", transfer.units_template, name="units_template"),
    path("institutions/export.xlsx", transfer.institutions_export, name="institutions_export"),
    path("institutions/import/", transfer.institutions_import, name="institutions_import"),
    path("institutions/import/template.xlsx", transfer.institutions_template, name="institutions_template"),
    path("jobs/<int:job_id>/", transfer.job_detail, name="job"),
    path("accounts/me/", accounts.me, name="me"),
    path("accounts/me/tokens/new/", accounts.token_create, name="token_create"),
    path("accounts/me/tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("accounts/users/", accounts.users, name="users"),
    path("accounts/users/new/", accounts.user_create, name="user_create"),
    path("accounts/users/<int:user_id>/edit/", accounts.user_edit, name="user_edit"),
    path("audit/", audit.audit_log, name="audit"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:notification_id>/read/", notifications.notification_read, name="notification_read"),
    path("units/<int:unit_id>/webhooks/", notifications.unit_webhooks, name="unit_webhooks"),
    path("webhooks/<int:webhook_id>/test/", notifications.webhook_test, name="webhook_test"),
    path("webhooks/<int:webhook_id>/delete/", notifications.webhook_delete, name="webhook_delete"),
]
