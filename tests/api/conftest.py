"""The API tests use the assessments world: Riley, Faith and Cora of Northwind surgery."""

from tests.assessments.conftest import surgery  # noqa: F401
