from bastion.checkpoints.views import arrivals, passages, posts, selfreg

app_name = "checkpoints"

urlpatterns = [*posts.urlpatterns, *passages.urlpatterns, *arrivals.urlpatterns, *selfreg.urlpatterns]
