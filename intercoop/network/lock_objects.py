"""Row locks of the network's writes, in one place and one order (by pk)."""

from intercoop.network.models import Relationship


def relationship_lock(pk: int) -> Relationship:
    """The tie, locked until the transaction ends (its trust flow changes one at a time)."""
    return (
        Relationship.objects.filter(pk=pk)
        .select_related("source", "target", "claimed_by", "network")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )
