from bastion.outreach.views import activities, gatherings, notices, places

app_name = "outreach"

urlpatterns = [
    *notices.urlpatterns,
    *activities.urlpatterns,
    *places.urlpatterns,
    *gatherings.urlpatterns,
]
