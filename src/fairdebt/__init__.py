"""fairdebt: fair, lawful and effective debt collection for digital consumer lenders.

The package is organised by business noun (loans, payments, promises, plans, holds, contacts,
complaints, audit) and by engine (cycle, compliance, risk, simulation); the edges that read the
clock, the settings or the terminal are ``cli`` and ``db``.
"""

__version__ = "0.3.0"
__all__ = ["__version__"]
