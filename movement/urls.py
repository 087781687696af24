"""Web pages of the movement (/movement/…), included from danvan/urls.py."""

from django.urls import path

from movement import views

app_name = "movement"
urlpatterns = [
    path("", views.model_list, name="list"),
    path("new/", views.model_new, name="new"),
    path("review/", views.models_review, name="review"),
    path("<int:model_id>/", views.model_detail, name="detail"),
    path("<int:model_id>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:model_id>/<slug:step>/", views.model_step, name="step"),
    path("figures/", views.figures, name="figures"),
    path("dialogues/", views.dialogue_list, name="dialogues"),
    path("dialogues/<int:dialogue_id>/", views.dialogue_detail, name="dialogue"),
    path("dialogues/<int:dialogue_id>/<slug:step>/", views.dialogue_step, name="dialogue_step"),
]
