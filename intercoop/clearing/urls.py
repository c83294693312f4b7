from django.urls import path

from intercoop.clearing import views

app_name = "clearing"

urlpatterns = [
    path("orgs/<slug:slug>/obligations/", views.obligations, name="obligations"),
    path("obligations/<int:pk>/", views.obligation, name="obligation"),
    path("obligations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("obligations/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("networks/<slug:slug>/clearing/", views.runs, name="runs"),
    path("clearing/runs/<int:pk>/", views.run, name="run"),
    path("clearing/runs/<int:pk>/commit/", views.commit, name="commit"),
    path("clearing/runs/<int:pk>/reverse/", views.reverse_run, name="reverse"),
    path("clearing/runs/<int:pk>/discard/", views.discard, name="discard"),
    path("clearing/runs/<int:pk>/statements.csv", views.statements_csv, name="statements_csv"),
    path("clearing/runs/<int:pk>/statements/<slug:slug>/", views.statement, name="statement"),
    path("networks/<slug:slug>/credit/", views.credit, name="credit"),
    path("credit/accounts/<int:pk>/", views.account, name="account"),
]
