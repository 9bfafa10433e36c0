from django.urls import path

from bastion.residents.views import groups, persons, roster, screening, settings

app_name = "residents"

urlpatterns = [
    path("", persons.person_list, name="person_list"),
    path("export.xlsx", persons.person_export, name="person_export"),
    path("new/", persons.person_new, name="person_new"),
    path("<int:person_id>/", persons.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", persons.person_edit, name="person_edit"),
    path("<int:person_id>/reveal/", persons.person_reveal, name="person_reveal"),
    path("<int:person_id>/travels/new/", persons.travel_add, name="travel_add"),
    path("households/", persons.household_list, name="household_list"),
    path("households/new/", persons.household_new, name="household_new"),
    path("households/<int:household_id>/", persons.household_detail, name="household_detail"),
    path("groups/<int:unit_id>/", groups.group_detail, name="group_detail"),
    path("duplicates/", persons.duplicates, name="duplicates"),
    path("campaigns/", screening.campaign_list, name="campaign_list"),
    path("campaigns/new/", screening.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", screening.campaign_detail, name="campaign_detail"),
    path("rounds/<int:round_id>/open/", screening.round_open, name="round_open"),
    path("rounds/<int:round_id>/close/", screening.round_close, name="round_close"),
    path("rounds/<int:round_id>/tasks/", screening.round_tasks, name="round_tasks"),
    path("visits/", screening.visit_list, name="visit_list"),
    path("visits/<int:task_id>/", screening.task_visit, name="task_visit"),
    path("visits/<int:task_id>/explain/", screening.task_explain, name="task_explain"),
    path("summary/", screening.day_summary, name="day_summary"),
    path("settings/", settings.checklists, name="checklists"),
    path("settings/<slug:kind>/new/", settings.checklist_item, name="checklist_new"),
    path("settings/<slug:kind>/<int:item_id>/", settings.checklist_item, name="checklist_item"),
    *roster.urlpatterns,
]
