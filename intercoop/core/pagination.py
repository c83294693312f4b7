"""Paging for lists and the API: one rule for page numbers and for counting.

Counting stops at COUNT_LIMIT matches, as search engines do (Elasticsearch's default is the
same 10,000): an exact count of a very broad search costs a visit to every matching row,
and nobody pages that far. `count_exact` says whether the count is exact or a lower bound.
"""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Paged:
    page: Page[Any]
    count: int
    count_exact: bool

    @property
    def pages(self) -> int:
        return self.page.paginator.num_pages


def paginate(
    queryset: QuerySet[Any], *, page: object, page_size: int, count_limit: int | None = None
) -> Paged:
    """The page numbered `page` (1 when absent or not a number; the last when too high).
    Lists are counted exactly, so every row can be reached; a search passes
    `count_limit=COUNT_LIMIT` and its pages stop there."""
    if count_limit is None:
        count = queryset.order_by().count()
        count_limit = count
    else:
        count = queryset.order_by()[: count_limit + 1].count()
    exact = count <= count_limit
    paginator = Paginator(queryset, page_size)
    paginator.count = min(count, count_limit)  # a known count: no second COUNT query
    try:
        number = int(str(page))
    except ValueError:
        number = 1
    number = min(max(number, 1), paginator.num_pages)
    return Paged(page=paginator.page(number), count=paginator.count, count_exact=exact)


# The API's lists: `?page=N&page_size=M` (M at most MAX_PAGE_SIZE), answered as
# {count, count_exact, page, pages, page_size, results}.
MAX_PAGE_SIZE = 200


def page_schema(item: Any) -> Any:
    """The response schema of a paged list of `item`."""
    from ninja import Schema

    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "count_exact": bool,
                "page": int,
                "pages": int,
                "page_size": int,
                "results": list[item],
            }
        },
    )


def api_page(
    queryset: QuerySet[Any],
    *,
    page: int,
    page_size: int,
    out: Any = None,
    count_limit: int | None = None,
) -> dict[str, Any]:
    """One page of `queryset` in the API's paged shape; `out` turns a row into its item."""
    size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    paged = paginate(queryset, page=page, page_size=size, count_limit=count_limit)
    rows = list(paged.page.object_list)
    return {
        "count": paged.count,
        "count_exact": paged.count_exact,
        "page": paged.page.number,
        "pages": paged.pages,
        "page_size": size,
        "results": [out(row) for row in rows] if out else rows,
    }
