from django.urls import path

from meihao.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("teams/", views.team_list, name="teams"),
    path("teams/<str:pk>/", views.team_detail, name="team"),
    path("<str:pk>/", views.project_detail, name="detail"),
    path("<str:pk>/households/", views.households, name="households"),
    path("<str:pk>/front-line/", views.front_line, name="front_line"),
    path("<str:pk>/problems/", views.problem, name="problem"),
    path("<str:pk>/milestones/", views.milestone_reach, name="milestone_reach"),
    path("households/<str:pk>/step/", views.household_step, name="household_step"),
]
