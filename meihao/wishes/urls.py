app_name = "wishes"
urlpatterns = []
