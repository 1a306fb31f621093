"""`field__among=values` finds exactly what `field__in` finds, on both databases, with one parameter on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.core.lookups import SEPARATOR
from jaring.core.models import Region, Sector
from jaring.registry.models import Person
from tests.helpers.reference import MANGGAR


def _person(nik: str, name: str) -> Person:
    return Person.objects.create(
        nik=nik,
        name=name,
        birth_date=date(1990, 1, 1),
        sex="L",
        address="Jl. Mulawarman 1",
        kelurahan=Region.objects.get(code=MANGGAR),
        domicile_since=date(2020, 1, 1),
        sector=Sector.objects.get(code="ojol"),
        monthly_income=2_000_000,
    )


@pytest.fixture
def persons(reference: None) -> list[Person]:
    return [_person(f"647101150890{n:04d}", f"Orang {n}") for n in range(1, 6)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "niks",
    [
        [],
        ["6471011508900002"],
        ["6471011508900001", "6471011508900003", "6471011508900003", "9999999999999999"],
        [f"647101150890{n:04d}" for n in range(0, 3000)],  # more values than a chunk of an import
    ],
)
def test_among_finds_what_in_finds(persons: list[Person], niks: list[str]) -> None:
    among = set(Person.objects.filter(nik__among=niks).values_list("nik", flat=True))
    assert among == set(Person.objects.filter(nik__in=niks).values_list("nik", flat=True)) if niks else not among


@pytest.mark.django_db
def test_among_on_ids_and_through_a_relation(persons: list[Person]) -> None:
    ids = [persons[0].pk, persons[2].pk, 10**9]
    assert set(Person.objects.filter(pk__among=ids)) == {persons[0], persons[2]}
    assert set(Person.objects.filter(sector__code__among=["ojol", "nelayan"])) == set(persons)
    sector = persons[0].sector_id
    assert set(Person.objects.filter(sector_id__among=[sector])) == set(persons)  # a foreign key's column
    assert not Person.objects.filter(sector__among=[sector + 1000]).exists()


@pytest.mark.django_db
def test_an_empty_string_is_matched_too(persons: list[Person]) -> None:
    Person.objects.filter(pk=persons[0].pk).update(kk_number="")
    Person.objects.exclude(pk=persons[0].pk).update(kk_number="6471010101100001")
    assert set(Person.objects.filter(kk_number__among=[""])) == {persons[0]}
    assert Person.objects.filter(kk_number__among=["", "6471010101100001"]).count() == 5


@pytest.mark.django_db
def test_one_parameter_on_postgresql(persons: list[Person]) -> None:
    niks = [f"647101150890{n:04d}" for n in range(0, 2000)]
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.filter(nik__among=niks).count() == 5
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "string_to_array" in sql
        assert sql.count("647101150890") == 2000  # the values travel as one joined text
    else:
        assert "json_each" in sql


@pytest.mark.django_db
def test_more_values_than_sqlite_takes_parameters(persons: list[Person]) -> None:
    ids = [*range(10**6, 10**6 + 40_000), persons[1].pk]  # SQLite refuses more than 32,766 parameters
    assert list(Person.objects.filter(pk__among=ids)) == [persons[1]]


@pytest.mark.django_db
def test_a_value_holding_the_separator_is_refused_not_split(persons: list[Person]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the separator is only used on PostgreSQL")
    with pytest.raises(ValueError, match="separator"):
        list(Person.objects.filter(name__among=[f"Orang 1{SEPARATOR}Orang 2"]))
