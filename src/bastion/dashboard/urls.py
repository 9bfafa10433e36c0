from bastion.dashboard.views import board, briefings

app_name = "dashboard"

urlpatterns = [*board.urlpatterns, *briefings.urlpatterns]
