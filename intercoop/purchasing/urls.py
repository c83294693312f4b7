from django.urls import path

from intercoop.purchasing import views

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
    path("bids/<int:pk>/score/", views.score, name="score"),
]
