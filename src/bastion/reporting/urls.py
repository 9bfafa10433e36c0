from django.urls import path

from bastion.reporting.views import config, filing, immediate, overview, transfer

app_name = "reporting"

urlpatterns = [
    path("", filing.today, name="today"),
    path("forms/<int:form_id>/units/<int:unit_id>/file/", filing.file, name="file"),
    path("completeness/", overview.completeness, name="completeness"),
    path("missing/", overview.missing, name="missing"),
    path("rollup/", overview.rollup, name="rollup"),
    path("rollup.xlsx", transfer.rollup_export, name="rollup_export"),
    path("import/", transfer.report_import, name="import"),
    path("import/template.xlsx", transfer.import_template, name="import_template"),
    path("forms/", config.form_list, name="forms"),
    path("forms/new/", config.form_new, name="form_new"),
    path("forms/<int:form_id>/", config.form_edit, name="form_edit"),
    path("forms/<int:form_id>/indicators/new/", config.indicator_new, name="indicator_new"),
    path("indicators/<int:indicator_id>/", config.indicator_edit, name="indicator_edit"),
    path("indicators/<int:indicator_id>/retire/", config.indicator_retire, name="indicator_retire"),
    path("immediate/", immediate.immediate_list, name="immediate_list"),
    path("immediate/new/", immediate.immediate_new, name="immediate_new"),
    path("immediate/<int:immediate_id>/", immediate.immediate_detail, name="immediate_detail"),
    path("immediate/<int:immediate_id>/acknowledge/", immediate.immediate_acknowledge, name="immediate_acknowledge"),
    path("immediate/<int:immediate_id>/handle/", immediate.immediate_handle, name="immediate_handle"),
    path("immediate/<int:immediate_id>/close/", immediate.immediate_close, name="immediate_close"),
]
