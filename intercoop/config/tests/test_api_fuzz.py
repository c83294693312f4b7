"""schemathesis against our OpenAPI document, every operation, signed in as the demo's
coordinator (token auth), with valid input and with input the schema refuses: no server
error, every status documented, every response body matching its schema. Prints, per run, operations × examples and the failures."""

from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from intercoop.config.demo import demo_region_build
from intercoop.config.wsgi import application
from intercoop.core.audit import system_actor
from intercoop.core.services import api_token_create

# Fewer on PostgreSQL, whose suite is the slower half of CI; the same code runs on both.
EXAMPLES = 12 if connection.vendor == "sqlite" else 6
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)


def fuzz(operation: Any, mode: Any, headers: dict[str, str], failures: list[str]) -> int:
    """Call `operation` with EXAMPLES generated cases; returns how many calls were made."""
    calls = [0]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        calls[0] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:
            failures.append(
                f"{mode.value} {operation.label} → {response.status_code}: {error}"[:600]
            )

    try:
        check()
    except Unsatisfiable:  # an operation with nothing to get wrong (no parameters, no body)
        assert mode == GenerationMode.NEGATIVE
    return calls[0]


@pytest.mark.django_db(transaction=True)
def test_every_operation_conforms_to_its_schema(capsys: Any) -> None:
    demo_region_build()
    _token, key = api_token_create(
        actor=system_actor(), user=User.objects.get(username="coordinator"), name="fuzz"
    )
    # Schemathesis's WSGI transport does not decompress; gzip is tested in core.
    headers = {"Authorization": f"Token {key}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = calls = 0
    for result in schema.get_all_operations():
        operations += 1
        for mode in GenerationMode:  # valid input, then input the schema refuses
            calls += fuzz(result.ok(), mode, headers, failures)  # type: ignore[union-attr]
    with capsys.disabled():
        print(f"\nschemathesis: {operations} operations, {calls} calls, "
              f"{len(failures)} failures")  # fmt: skip
    assert operations > 30
    assert failures == []
