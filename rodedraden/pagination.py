"""Pagination for every list of the site, shown by one include (templates/includes/pagination.html).

A page number that is not a number gives the first page, one past the end the last: a list
never answers a 404 or a 500 for a page that is out of range (a link kept from a longer list,
a hand-typed address). The links keep the other query parameters (filters, search), so that
paging never loses what the user chose.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_PARAM = "pagina"


def paginate(
    request, object_list, *, per_page: int, param: str = PAGE_PARAM, count: int | None = None
) -> Page:
    """The page of ``object_list`` that the request asks for (``?pagina=``), with what the
    include needs to link to the others: ``param``, ``query`` (the other parameters) and
    ``links`` (page numbers, with an ellipsis for the long stretches in between). A ``count``
    the caller already has saves the paginator counting the list again."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not asked from the database
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.param = param
    page.query = query.urlencode()
    page.links = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.ellipsis = Paginator.ELLIPSIS
    return page


class PaginationMixin:
    """For a ``ListView``: ``paginate`` instead of Django's own, which answers a 404 for a
    page out of range. The template gets ``page_obj`` as usual (ready for the include)."""

    paginate_by = 25
    page_kwarg = PAGE_PARAM

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, per_page=page_size, param=self.page_kwarg)
        return page.paginator, page, page.object_list, page.has_other_pages()
