from django.conf import settings


def site(request):
    """What every page shows: the municipality's name."""
    return {"municipality_name": settings.MUNICIPALITY_NAME}
