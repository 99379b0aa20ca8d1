from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("beraden/<int:pk>/memo/", views.MemoListView.as_view(), name="memo-list"),
    path("beraden/<int:pk>/memo/maken/", views.MemoRequestView.as_view(), name="memo-request"),
    path("memos/<int:pk>/opnieuw/", views.MemoRetryView.as_view(), name="memo-retry"),
    path("memos/<int:pk>/downloaden/", views.MemoDownloadView.as_view(), name="memo-download"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
