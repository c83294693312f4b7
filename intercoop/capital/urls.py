from django.urls import path

from intercoop.capital import views_flows, views_funds, views_loans

app_name = "capital"
FUND = "capital/<slug:slug>/"

urlpatterns = [
    path("capital/", views_funds.index, name="index"),
    path("capital/new/<slug:network>/", views_funds.fund_create, name="fund_create"),
    path("capital/flows/<slug:network>/", views_flows.flows, name="flows"),
    path("capital/flows/<slug:network>/flows.csv", views_flows.flows_csv, name="flows_csv"),
    path("capital/notes/<int:pk>/", views_funds.note, name="note"),
    path("capital/notes/<int:pk>/statement.csv", views_funds.note_csv, name="note_csv"),
    path("capital/applications/<int:pk>/", views_loans.application, name="application"),
    path(
        "capital/applications/<int:pk>/files/<int:file>/",
        views_loans.attachment,
        name="attachment",
    ),
    path("capital/loans/<int:pk>/", views_loans.loan, name="loan"),
    path("capital/loans/<int:pk>/statement/", views_loans.statement, name="statement"),
    path("capital/loans/<int:pk>/statement.csv", views_loans.statement_csv, name="statement_csv"),
    path(FUND, views_funds.fund, name="fund"),
    path(FUND + "settings/", views_funds.fund_settings, name="fund_settings"),
    path(FUND + "capital-in/", views_funds.capital_in, name="capital_in"),
    path(FUND + "notes/", views_funds.notes, name="notes"),
    path(FUND + "books/", views_funds.books, name="books"),
    path(FUND + "apply/", views_loans.apply, name="apply"),
    path(FUND + "applications/", views_loans.applications, name="applications"),
    path(FUND + "loans/", views_loans.loans, name="loans"),
]
