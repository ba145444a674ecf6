"""Alembic migrations shipped inside the package; ``fairdebt db upgrade`` applies them."""
