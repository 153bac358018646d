"""Use cases: one method a use case, each taking the unit of work and ports it needs."""
