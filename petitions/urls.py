from django.urls import path

from petitions import notice_views, views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_intake, name="intake"),
    path("new/duplicates/", views.petition_intake_duplicates, name="intake-duplicates"),
    path("<int:petition_id>/", views.petition_detail, name="detail"),
    path(
        "<int:petition_id>/actions/<slug:action>/",
        views.petition_transition,
        name="transition",
    ),
    path("<int:petition_id>/notes/", views.petition_note, name="note"),
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", notice_views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/withdraw/", notice_views.notice_withdraw, name="notice-withdraw"),
    path(
        "notices/<int:notice_id>/document/",
        notice_views.notice_document,
        name="notice-document",
    ),
    path("<int:petition_id>/identity/", views.petition_identity, name="identity"),
    path("<int:petition_id>/attachments/", views.petition_attach, name="attach"),
    path(
        "<int:petition_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
