from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("organen/", views.BodyListView.as_view(), name="body-list"),
    path("organen/<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
]
