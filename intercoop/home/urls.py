from django.urls import path

from intercoop.home import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password_change"),
]
