"""PostgreSQL keeps tables, indexes and constraints' indexes in one namespace: an index or
constraint named like a table fails the migration there ("relation … already exists"),
while SQLite accepts it. Checked on every model, whichever database runs the suite."""

from django.apps import apps


def test_no_index_or_constraint_is_named_like_a_table():
    tables = {model._meta.db_table for model in apps.get_models()}
    clashes = [
        f"{model._meta.label}: {item.name}"
        for model in apps.get_models()
        for item in [*model._meta.constraints, *model._meta.indexes]
        if item.name in tables
    ]
    assert clashes == []
