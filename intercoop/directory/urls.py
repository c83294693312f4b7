from django.urls import path

from intercoop.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    path("embed/map/", views.embed_map, name="embed_map"),
    path("orgs/", views.organization_list, name="list"),
    path("orgs/add/", views.organization_add, name="add"),
    path("orgs/review/", views.review_queue, name="review"),
    path("orgs/<slug:slug>/", views.organization_detail, name="detail"),
    path("orgs/<slug:slug>/edit/", views.organization_edit, name="edit"),
    path("orgs/<slug:slug>/review/", views.organization_review, name="review_decide"),
    path("orgs/<slug:slug>/apply/", views.organization_apply, name="apply"),
    path("orgs/<slug:slug>/people/", views.organization_people, name="people"),
    path("orgs/<slug:slug>/history/", views.organization_history, name="history"),
    path("orgs/<slug:slug>/murmurations.json", views.murmurations_profile, name="murmurations"),
    path("schemas/<str:name>.json", views.schema, name="schema"),
    path("networks/", views.network_list, name="networks"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/history/", views.network_history, name="network_history"),
    path(
        "networks/<slug:slug>/members/<slug:organization_slug>/<str:action>/",
        views.network_member_decide,
        name="member_decide",
    ),
]
