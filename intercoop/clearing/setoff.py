"""Multilateral trade-credit set-off (MTCS) and the mutual-credit second phase. Pure:
arrays in, arrays out; amounts are integers (minor units).

The set-off is the largest total that can be cancelled so that no obligation is set off
beyond its amount and every organisation's net position (receivable − payable) stays what
it was: a maximum circulation. As Informal Systems' `mtcs` does, it is solved as a
minimum-cost flow: what must still be paid after the set-off (the remainders r) is a flow
that carries every net debtor's position to the net creditors along the obligations
(0 ≤ r ≤ amount), at cost 1 per unit; the cheapest such flow leaves the least debt, and
amount − r is the set-off. OR-tools' cost-scaling min-cost flow solves it exactly.
Only obligations inside a strongly connected component can be part of a cycle, so the
rest are left out of the solve (their set-off is 0)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


# The solver works in 64-bit integers: positions, flows and the total cost are at most
# the total debt, so a total up to 2^62 can never overflow. Amounts are each at most
# 10^15 minor units (core.bounds), so this is some 4,600 of the largest amounts at once.
MAX_TOTAL = 2**62


class TooLarge(ValueError):
    """The total of the obligations is beyond what the solver computes exactly."""


def total(amount: Ints) -> int:
    """The exact sum of non-negative int64 amounts, as a Python int (never wraps)."""
    values = np.asarray(amount, np.int64)
    if not len(values):
        return 0
    if int(values.max()) <= (2**63 - 1) // len(values):
        return int(values.sum())  # cannot wrap: every partial sum is below the bound
    return sum(values.tolist())


def check_total(amount: Ints) -> int:
    """The total, refused when the solver could not compute with it exactly."""
    debt = total(amount)
    if debt > MAX_TOTAL:
        raise TooLarge(f"the total debt {debt} is more than {MAX_TOTAL} minor units")
    return debt


class SolverFailed(RuntimeError):
    """The flow solver did not reach an optimum (it always should: remainders equal to the
    amounts are a feasible flow)."""


def strongly_connected(debtor: Ints, creditor: Ints, nodes: int) -> Ints:
    """Each node's strongly connected component label (igraph, in C)."""
    import igraph

    graph = igraph.Graph(n=nodes, edges=list(zip(debtor.tolist(), creditor.tolist(), strict=True)),
                         directed=True)  # fmt: skip
    return np.asarray(graph.connected_components(mode="strong").membership, dtype=np.int64)


def net_positions(debtor: Ints, creditor: Ints, amount: Ints, nodes: int) -> Ints:
    """Each node's receivable − payable, exactly (integer sums)."""
    position = np.zeros(nodes, dtype=np.int64)
    np.add.at(position, creditor, amount)
    np.subtract.at(position, debtor, amount)
    return position


def setoff(debtor: Ints, creditor: Ints, amount: Ints, nodes: int | None = None) -> Ints:
    """The optimal set-off of each obligation (debtor → creditor, amount ≥ 0)."""
    from ortools.graph.python import min_cost_flow

    debtor, creditor = np.asarray(debtor, np.int64), np.asarray(creditor, np.int64)
    amount = np.asarray(amount, np.int64)
    result = np.zeros(len(amount), dtype=np.int64)
    if not len(amount):
        return result
    if (amount < 0).any() or (debtor == creditor).any():
        raise ValueError("amounts are ≥ 0 and a debtor is never its own creditor")
    check_total(amount)
    nodes = int(max(debtor.max(), creditor.max())) + 1 if nodes is None else nodes
    labels = strongly_connected(debtor, creditor, nodes)
    inside = np.nonzero((labels[debtor] == labels[creditor]) & (amount > 0))[0]
    if not len(inside):
        return result
    d, c, a = debtor[inside], creditor[inside], amount[inside]
    # renumber the nodes that take part, so the solver sees only them
    used, compact = np.unique(np.concatenate([d, c]), return_inverse=True)
    d, c = compact[: len(d)], compact[len(d) :]
    supply = -net_positions(d, c, a, len(used))  # net debtors supply what they owe
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(d, c, a, np.ones(len(a), np.int64))
    solver.set_nodes_supplies(np.arange(len(used)), supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise SolverFailed(f"min-cost flow ended with status {status}")
    result[inside] = a - solver.flows(arcs)
    return result


MAX_PASSES = 100  # of the second phase; each pass after the first pays out freed credit


@dataclass(frozen=True)
class CreditSettlement:
    paid: Ints  # per obligation: what its debtor paid in mutual credit
    balances: Ints  # each account's balance afterwards


def settle_with_credit(
    debtor: Ints,
    creditor: Ints,
    remainder: Ints,
    balance: Ints,
    limit: Ints,
    *,
    order: Sequence[int] | None = None,
    has_account: npt.NDArray[np.bool_] | None = None,
    ceiling: int | None = None,
) -> CreditSettlement:
    """The second phase: what remains after the set-off is paid in mutual credit where the
    debtor's available credit (balance + limit) allows, obligation by obligation in
    `order` (e.g. oldest due first), passing again while payments received free up credit.
    Balances always sum to what they summed to before (each payment moves credit from one
    account to another), never fall below −limit and never rise above `ceiling`."""
    remainder = np.asarray(remainder, np.int64).copy()
    balances = np.asarray(balance, np.int64).copy()
    paid = np.zeros(len(remainder), dtype=np.int64)
    accounts = np.ones(len(balances), bool) if has_account is None else has_account
    sequence = list(range(len(remainder))) if order is None else list(order)
    sequence = [i for i in sequence if accounts[debtor[i]] and accounts[creditor[i]]]
    progress, passes = True, 0
    while progress and passes < MAX_PASSES:
        progress, passes = False, passes + 1
        for i in sequence:
            if not remainder[i]:
                continue
            payer, payee = debtor[i], creditor[i]
            pay = min(int(remainder[i]), max(0, int(balances[payer] + limit[payer])))
            if ceiling is not None:
                pay = min(pay, max(0, ceiling - int(balances[payee])))
            if pay:
                balances[payer] -= pay
                balances[payee] += pay
                remainder[i] -= pay
                paid[i] += pay
                progress = True
    return CreditSettlement(paid=paid, balances=balances)
