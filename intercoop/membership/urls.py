from typing import Any

from django.urls import path

from intercoop.membership import (
    views_accounts,
    views_badges,
    views_library,
    views_pathways,
    views_pathways_application,
    views_pathways_edit,
    views_registers,
)

app_name = "membership"

urlpatterns: list[Any] = []

# Open Badges 2.0, hosted at stable public URLs (views_badges.py)
urlpatterns += [
    path("badges/assertions/<str:uid>", views_badges.assertion, name="badge_assertion"),
    path("badges/classes/<slug:slug>", views_badges.badge_class, name="badge_class"),
    path("badges/classes/<slug:slug>/image.svg", views_badges.badge_image, name="badge_image"),
    path("badges/issuers/<slug:slug>", views_badges.issuer, name="badge_issuer"),
]

# The registers of members and shares (views_registers.py)
REGISTERS = "membership/<slug:slug>/"
urlpatterns += [
    path(REGISTERS + "register/", views_registers.register, name="register"),
    path(REGISTERS + "register.csv", views_registers.register_csv, name="register_csv"),
    path(
        REGISTERS + "register/<int:pk>/",
        views_registers.register_member,
        name="register_member",
    ),
    path(REGISTERS + "shares/", views_registers.shares, name="shares"),
    path(REGISTERS + "shares.csv", views_registers.shares_csv, name="shares_csv"),
    path(
        REGISTERS + "shares/classes/<int:pk>/",
        views_registers.share_class,
        name="share_class",
    ),
    path(REGISTERS + "my-shares/", views_registers.my_shares, name="my_shares"),
    # worker-owners' internal capital accounts (views_accounts.py)
    path(REGISTERS + "capital-accounts/", views_accounts.accounts, name="capital_accounts"),
    path(
        REGISTERS + "capital-accounts.csv",
        views_accounts.accounts_csv,
        name="capital_accounts_csv",
    ),
    path(
        REGISTERS + "capital-accounts/patronage/<int:pk>/",
        views_accounts.allocate,
        name="capital_allocate",
    ),
]

# The shared curriculum's pages (views_library.py)
COURSE = "membership/courses/<slug:slug>/"
urlpatterns += [
    path("membership/library/", views_library.library, name="library"),
    path("membership/library/new/", views_library.course_create, name="course_create"),
    path("membership/learning/", views_library.my_learning, name="learning"),
    path(COURSE, views_library.course, name="course"),
    path(COURSE + "edit/", views_library.course_edit, name="course_edit"),
    path(COURSE + "change/", views_library.course_change, name="course_change"),
    path(COURSE + "adapt/", views_library.course_adapt, name="course_adapt"),
    path(COURSE + "translate/", views_library.course_translate, name="course_translate"),
    path(COURSE + "use/", views_library.course_use, name="course_use"),
    path(COURSE + "export.zip", views_library.course_export, name="course_export"),
    path(COURSE + "badge/", views_library.badge_claim, name="badge_claim"),
    path(COURSE + "lessons/<int:pk>/", views_library.lesson, name="lesson"),
    path(COURSE + "lessons/<int:pk>/edit/", views_library.lesson_edit, name="lesson_edit"),
    path(COURSE + "lessons/<int:pk>/done/", views_library.lesson_done, name="lesson_done"),
    path(COURSE + "files/<int:pk>/", views_library.lesson_file, name="lesson_file"),
]

# The pathway pages (views_pathways.py, views_pathways_edit.py,
# views_pathways_application.py); the names of the board, an application and mentoring
# are those links.py gives the dashboard and the notifications
PATHWAY = "membership/pathways/<int:pk>/"
APPLICATION = "membership/applications/<int:pk>/"
urlpatterns += [
    path("membership/way-in/", views_pathways.way_in, name="way_in"),
    path("membership/mentoring/", views_pathways.mentoring, name="mentoring"),
    path(
        "membership/mentorships/<int:pk>/answer/",
        views_pathways.mentorship_answer,
        name="mentorship_answer",
    ),
    path("membership/<slug:slug>/pathways/", views_pathways.membership, name="pathways"),
    path(PATHWAY, views_pathways.pathway, name="pathway"),
    path(PATHWAY + "board/", views_pathways.board, name="pathway_board"),
    path(PATHWAY + "edit/", views_pathways_edit.pathway_edit, name="pathway_edit"),
    path(PATHWAY + "steps/new/", views_pathways_edit.step_add, name="pathway_step_add"),
    path(PATHWAY + "steps/<int:step>/", views_pathways_edit.step_edit, name="pathway_step"),
    path(PATHWAY + "steps/change/", views_pathways_edit.step_change, name="pathway_step_change"),
    path(APPLICATION, views_pathways_application.application, name="application"),
    path(APPLICATION + "survey/", views_pathways.survey, name="survey"),
]
