from django.urls import path

from intercoop.network import views

app_name = "network"

urlpatterns = [
    path("networks/<slug:slug>/graph/", views.network_graph, name="graph"),
    path("networks/<slug:slug>/economy/", views.network_economy, name="economy"),
    path("networks/<slug:slug>/assessments/", views.assessment_list, name="assessments"),
    path(
        "networks/<slug:slug>/assessments/compare/",
        views.assessment_compare,
        name="assessment_compare",
    ),
    path(
        "networks/<slug:slug>/assessments/<int:pk>/",
        views.assessment_report,
        name="assessment",
    ),
    path(
        "networks/<slug:slug>/assessments/<int:pk>/edit/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path("orgs/<slug:slug>/graph/", views.organization_graph, name="organization_graph"),
    path(
        "orgs/<slug:slug>/relationships/",
        views.organization_relationships,
        name="organization",
    ),
    path(
        "relationships/<int:pk>/<str:action>/",
        views.relationship_decide,
        name="decide",
    ),
]
