"""The ledger: the business nouns of loan servicing and their verbs.

Borrowers and products, loans and their schedules (``schedules``, ``installments``), payments
(posting, allocation, credits and reversal), accruals of penalties, holds, promises to pay,
repayment plans, and loan tapes (bulk import). Every state change is one named verb that writes
its audit entry in the caller's transaction; the tables are in :mod:`fairdebt.models`. The
nouns of conduct (contacts, complaints) sit beside the ledger, not in it.
"""
