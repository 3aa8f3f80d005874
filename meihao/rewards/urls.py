app_name = "rewards"
urlpatterns = []
