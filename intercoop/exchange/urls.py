from django.urls import path

from intercoop.exchange import views

app_name = "exchange"

urlpatterns = [
    path("orgs/<slug:slug>/exchange/", views.organization_exchange, name="organization"),
    path("orgs/<slug:slug>/exchange/add/<str:kind>/", views.item_add, name="add"),
    path("exchange/items/<int:pk>/edit/", views.item_edit, name="edit"),
    path("exchange/items/<int:pk>/withdraw/", views.item_withdraw, name="withdraw"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("orgs/<slug:slug>/introduce/", views.introduction_request, name="introduce"),
    path("introductions/", views.introduction_list, name="introductions"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path(
        "introductions/<int:pk>/<str:action>/",
        views.introduction_answer,
        name="introduction_answer",
    ),
    path("networks/<slug:slug>/notices/", views.notice_board, name="notices"),
    path("networks/<slug:slug>/notices/new/", views.notice_add, name="notice_add"),
    path("networks/<slug:slug>/notices/feed/", views.NoticeFeed(), name="notice_feed"),
    path(
        "networks/<slug:slug>/notices/feed/<str:kind>/",
        views.NoticeFeed(),
        name="notice_kind_feed",
    ),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("deals/", views.deal_list, name="deals"),
    path("deals/<int:pk>/withdraw/", views.deal_withdraw, name="deal_withdraw"),
    path("orgs/<slug:slug>/deals/", views.organization_deals, name="organization_deals"),
    path("card/", views.member_card, name="card"),
    path("card/verify/", views.verify_card, name="verify"),
]
