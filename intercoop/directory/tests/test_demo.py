import pytest
from django.core.management import CommandError, call_command

from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    Fund,
    InvestorNote,
    LedgerEntry,
    LedgerTransaction,
    Loan,
    LoanApplication,
    LoanSchedule,
    Pledge,
    Repayment,
)
from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditTransfer,
    Obligation,
    ObligationEntry,
    RunLine,
)
from intercoop.directory import vocab
from intercoop.directory.models import Network, Organization
from intercoop.membership.models import (
    Application,
    BadgeAssertion,
    CapitalAccountEntry,
    CapitalAllocation,
    Course,
    Member,
    Pathway,
    ShareEntry,
    Subscription,
)


@pytest.mark.django_db
def test_demo_builds_a_plausible_region_deterministically():
    call_command("demo")
    organizations = Organization.objects.order_by("pk")
    assert organizations.count() == 150
    assert Network.objects.count() == 2
    structures = set(organizations.values_list("organisational_structure", flat=True))
    assert structures == set(vocab.codes("organisational_structure"))  # every structure
    assert organizations.filter(is_cooperative=False).count() == 40  # churches, schools, …
    assert organizations.filter(latitude__isnull=True).count() == 0
    first = list(organizations.values_list("slug", "latitude", "number_of_members")[:5])
    # ledgers protect the organisations they name: empty them first
    for model in (LedgerEntry, LedgerTransaction, Repayment, LoanSchedule, Loan,
                  LoanApplication, InvestorNote, Contribution, Pledge, EquityEntry, Fund,
                  CreditEntry, CreditTransfer, CreditAccount, ObligationEntry, RunLine,
                  ClearingRun, Obligation, CapitalAccountEntry, CapitalAllocation, ShareEntry,
                  Subscription, Member, Application,
                  Pathway, BadgeAssertion, Course):  # fmt: skip
        model.objects.all().delete()
    Organization.objects.all().delete()
    Network.objects.all().delete()
    from django.contrib.auth.models import User

    User.objects.all().delete()
    call_command("demo")
    assert (
        list(
            Organization.objects.order_by("pk").values_list(
                "slug", "latitude", "number_of_members"
            )[:5]
        )
        == first
    )


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_filled_directory_alone(org):
    call_command("demo", if_empty=True)
    assert Organization.objects.count() == 1
    with pytest.raises(CommandError, match="not empty"):
        call_command("demo")
