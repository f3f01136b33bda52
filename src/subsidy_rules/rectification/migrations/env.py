"""Alembic environment of the ledger: shipped inside the package, so an installed wheel can upgrade a ledger.

The store passes its open connection (``config.attributes["connection"]``);
the migrations run inside the caller's transaction.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
