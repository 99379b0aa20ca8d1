from django.conf import settings

# The menu's sections: the URL names of (app, name) that belong to each, and its own page.
SECTIONS = {
    "home": ("home", {("", "home")}),
    "bodies": ("body-list", {("signals", None)}),
    "themes": ("theme-list", {("deliberation", "theme-list"), ("deliberation", "theme-detail")}),
    "recommendations": (
        "recommendation-list",
        {
            ("deliberation", "recommendation-list"),
            ("deliberation", "recommendation-detail"),
            ("deliberation", "recommendation-delete"),
        },
    ),
    "dashboard": ("dashboard", {("reports", "dashboard")}),
    # Everything else of a beraad: its pages, its workspace, its memo.
    "beraden": ("beraad-list", {("deliberation", None), ("reports", None)}),
}


def nav_section(request) -> tuple[str, bool]:
    """The menu item the page belongs to, and whether the page is that item's own page (its
    link then says ``aria-current="page"``; another page of its section, ``"true"``)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "", False
    app, name = match.app_name or "", match.url_name
    for section, (own, members) in SECTIONS.items():
        if (app, name) in members or (app, None) in members:
            return section, name == own
    return "", False


def site(request):
    """What every page shows: the municipality's name, and where the page is in the menu."""
    section, own_page = nav_section(request)
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "nav_section": section,
        "nav_current": "page" if own_page else "true",
    }
