from bastion.observation.views import care, cases, settings

app_name = "observation"

urlpatterns = [*cases.urlpatterns, *care.urlpatterns, *settings.urlpatterns]
