"""The one error tree of fairdebt; every message names the record and field and says what came.

::

    FairdebtError
     ├── InputError            bad input: a record, a field, what was expected and what came
     │    ├── UnknownRecord    an id that names nothing (unknown loan, payment, borrower)
     │    └── RuleViolation    a valid value a business rule refuses (paid before disbursed)
     ├── ConflictError         the request clashes with the ledger (reversed twice, run order)
     ├── ConfigurationError    a product, pack or bucket scheme that cannot work
     └── IntegrityError        stored data is not what was written (a broken audit chain)

The CLI's root command prints ``str(error)`` as one line and exits with status 2 (usage: nothing
was changed), or 1 for an IntegrityError (something stored was found bad); anything outside the
tree is a bug, exit 3 (docs/decisions/cli-errors.md). The web layer maps the tree to HTTP in one
handler (InputError 422, UnknownRecord 404, ConflictError 409).
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "FairdebtError",
    "InputError",
    "IntegrityError",
    "RuleViolation",
    "UnknownRecord",
]


class FairdebtError(Exception):
    """Base of every error fairdebt raises on purpose."""


class InputError(FairdebtError, ValueError):
    """Bad input, located by record and field.

    >>> str(InputError("amount must be positive (got -5)", record="payment P-1", field="amount"))
    'payment P-1, field amount: amount must be positive (got -5)'
    """

    def __init__(self, message: str, *, record: str | None = None, field: str | None = None):
        self.message = message
        self.record = record
        self.field = field
        where = ", ".join(
            part for part in (record, f"field {field}" if field else None) if part is not None
        )
        super().__init__(f"{where}: {message}" if where else message)


class UnknownRecord(InputError, LookupError):
    """An identifier that names no record."""


class RuleViolation(InputError):
    """A well-formed value that a business rule refuses."""


class ConflictError(FairdebtError):
    """The request clashes with the current state of the ledger."""


class ConfigurationError(FairdebtError):
    """A configuration (product, pack, bucket scheme, settings) that cannot work."""


class IntegrityError(FairdebtError):
    """Stored data differs from what was written, e.g. a broken audit chain."""
