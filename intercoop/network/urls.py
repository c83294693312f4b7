from django.urls import path

from intercoop.network import views

app_name = "network"

urlpatterns = [
    path("networks/<slug:slug>/graph/", views.network_graph, name="graph"),
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
