from bastion.command.views import actions, meetings, structure, worklog

app_name = "command"

urlpatterns = [
    *structure.urlpatterns,
    *meetings.urlpatterns,
    *actions.urlpatterns,
    *worklog.urlpatterns,
]
