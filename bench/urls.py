"""The site's URLs and one trivial view, for bench.pages: the same server, the same
middleware (sessions, authentication, the second factor, CSP, audit…), no work of its own."""

from django.http import HttpResponse
from django.urls import path

from rodedraden.urls import urlpatterns as site_urlpatterns

TRIVIAL_PATH = "/bench/ok/"


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.removeprefix("/"), trivial, name="bench-trivial"),
    *site_urlpatterns,
]
