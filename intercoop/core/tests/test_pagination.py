import pytest

from intercoop.conftest import make_org
from intercoop.core.pagination import paginate
from intercoop.directory.models import Organization


@pytest.fixture
def five(db):
    for n in range(5):
        make_org(name=f"Org {n}")
    return Organization.objects.order_by("name")


def test_pages_and_exact_count(five):
    paged = paginate(five, page="2", page_size=2)
    assert (paged.count, paged.count_exact, paged.pages) == (5, True, 3)
    assert [o.name for o in paged.page] == ["Org 2", "Org 3"]


@pytest.mark.parametrize(("page", "number"), [(None, 1), ("x", 1), ("0", 1), ("99", 3)])
def test_bad_or_out_of_range_page_numbers(five, page, number):
    assert paginate(five, page=page, page_size=2).page.number == number


def test_count_stops_at_the_limit(five):
    paged = paginate(five, page=1, page_size=2, count_limit=3)
    assert (paged.count, paged.count_exact, paged.pages) == (3, False, 2)


def test_an_empty_list_has_one_empty_page(db):
    paged = paginate(Organization.objects.order_by("pk"), page=1, page_size=2)
    assert (paged.count, paged.pages, list(paged.page)) == (0, 1, [])


def test_a_list_without_a_limit_reaches_its_last_row(five):
    paged = paginate(five, page="5", page_size=1)
    assert (paged.count, paged.count_exact, paged.pages) == (5, True, 5)
    assert [o.name for o in paged.page] == ["Org 4"]
