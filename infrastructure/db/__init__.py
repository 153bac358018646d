"""SQLAlchemy adapters: models, repositories and the unit of work."""
