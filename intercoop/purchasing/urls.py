from django.urls import path

from intercoop.purchasing import views, views_goods

app_name = "purchasing"

urlpatterns = [
    path("networks/<slug:slug>/rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/order/", views.order, name="order"),
    path("rounds/<int:pk>/commit/", views.commit, name="commit"),
    path("rounds/<int:pk>/move/", views.move, name="move"),
    path("rounds/<int:pk>/bid/", views.bid, name="bid"),
    path("rounds/<int:pk>/award/", views.award, name="award"),
    path("rounds/<int:pk>/delivery/", views.delivery, name="delivery"),
    path("rounds/<int:pk>/override/", views.override, name="override"),
    path("rounds/<int:pk>/bill/", views.bill, name="bill"),
    path("rounds/<int:pk>/edit/", views_goods.round_edit, name="round_edit"),
    path("rounds/<int:pk>/orders/", views_goods.order_form, name="order_form"),
    path("rounds/<int:pk>/pick-list/", views_goods.pick_list, name="pick_list"),
    path("rounds/<int:pk>/pick-list.csv", views_goods.pick_list_csv, name="pick_list_csv"),
    path("rounds/<int:pk>/delivery/correct/", views.delivery_correct, name="delivery_correct"),
    path("bids/<int:pk>/score/", views.score, name="score"),
    path("networks/<slug:slug>/contracts/", views.contracts, name="contracts"),
    path("networks/<slug:slug>/contracts.ics", views.contracts_feed, name="contracts_feed"),
    path(
        "networks/<slug:slug>/contracts/address/",
        views.contracts_feed_address,
        name="contracts_feed_address",
    ),
    path("networks/<slug:slug>/patronage/", views.patronage_list, name="patronage_list"),
    path("patronage/<int:pk>/", views.patronage_detail, name="patronage"),
    path("patronage/<int:pk>.csv", views.patronage_csv, name="patronage_csv"),
]
