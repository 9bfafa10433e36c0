from bastion.mobilization.views import batches, checkin, deployment, overview, responders, roster

app_name = "mobilization"

urlpatterns = [
    *overview.urlpatterns,
    *responders.urlpatterns,
    *batches.urlpatterns,
    *checkin.urlpatterns,
    *deployment.urlpatterns,
    *roster.urlpatterns,
]
