from meihao.cases.views import public, reporter, staff

app_name = "cases"
urlpatterns = reporter.urlpatterns + staff.urlpatterns + public.urlpatterns
