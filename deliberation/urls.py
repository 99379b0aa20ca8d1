from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("beraden/", views.BeraadListView.as_view(), name="beraad-list"),
    path("beraden/nieuw/", views.BeraadCreateView.as_view(), name="beraad-create"),
    path("beraden/<int:pk>/", views.BeraadDetailView.as_view(), name="beraad-detail"),
    path("beraden/<int:pk>/bewerken/", views.BeraadUpdateView.as_view(), name="beraad-update"),
    path(
        "beraden/<int:pk>/stap/<slug:action>/",
        views.BeraadTransitionView.as_view(),
        name="beraad-transition",
    ),
    path("beraden/<int:pk>/inzending/", views.IntakeCompleteView.as_view(), name="intake"),
    path("beraden/<int:pk>/werkruimte/", views.WorkspaceView.as_view(), name="workspace"),
    path("beraden/<int:pk>/werkruimte/tag/", views.TagView.as_view(), name="tag"),
    path(
        "beraden/<int:pk>/werkruimte/nieuw-thema/",
        views.TagNewThemeView.as_view(),
        name="tag-new-theme",
    ),
    path(
        "beraden/<int:pk>/rode-draden/<int:theme>/",
        views.RodeDraadView.as_view(),
        name="rode-draad",
    ),
    path("themas/", views.ThemeListView.as_view(), name="theme-list"),
    path("themas/<int:pk>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("aanbevelingen/", views.RecommendationListView.as_view(), name="recommendation-list"),
    path(
        "aanbevelingen/<int:pk>/",
        views.RecommendationDetailView.as_view(),
        name="recommendation-detail",
    ),
    path(
        "aanbevelingen/<int:pk>/verwijderen/",
        views.RecommendationDeleteView.as_view(),
        name="recommendation-delete",
    ),
]
