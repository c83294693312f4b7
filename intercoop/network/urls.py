from django.urls import path

from intercoop.network import views

app_name = "network"

urlpatterns = [
    path("networks/<slug:slug>/graph/", views.network_graph, name="graph"),
]
