"""Storage layer: SQLAlchemy 2 models, engine and sessions, Alembic migrations, repository.

Nothing here imports ``annotator`` or ``app``. Repository functions take a session and return
frozen records (``storage.records``); ORM objects never leave this package.
"""
