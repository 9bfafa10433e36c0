from bastion.observation.views import care, cases, settings, today

app_name = "observation"

urlpatterns = [*cases.urlpatterns, *today.urlpatterns, *care.urlpatterns, *settings.urlpatterns]
