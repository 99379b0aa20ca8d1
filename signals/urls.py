from django.urls import path, register_converter

from . import views


class FileFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormatConverter, "fileformat")

app_name = "signals"

urlpatterns = [
    path("organen/", views.BodyListView.as_view(), name="body-list"),
    path("organen/<slug:slug>/", views.BodyWorkspaceView.as_view(), name="body-detail"),
    path(
        "organen/<slug:slug>/signalen/nieuw/",
        views.SignalCreateView.as_view(),
        name="signal-create",
    ),
    path(
        "organen/<slug:slug>/signalen/importeren/",
        views.SignalImportView.as_view(),
        name="signal-import",
    ),
    path(
        "organen/<slug:slug>/signalen/importsjabloon.<fileformat:fmt>",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(
        "organen/<slug:slug>/signalen/export.<fileformat:fmt>",
        views.SignalExportView.as_view(),
        name="signal-export",
    ),
    path("signalen/<int:pk>/", views.SignalDetailView.as_view(), name="signal-detail"),
    path("signalen/<int:pk>/bewerken/", views.SignalUpdateView.as_view(), name="signal-update"),
    path("signalen/<int:pk>/indienen/", views.SignalSubmitView.as_view(), name="signal-submit"),
    path(
        "signalen/<int:pk>/terugtrekken/",
        views.SignalWithdrawView.as_view(),
        name="signal-withdraw",
    ),
    path("signalen/<int:pk>/verwijderen/", views.SignalDeleteView.as_view(), name="signal-delete"),
]
