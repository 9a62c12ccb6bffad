"""One module or package per kind of record the sync keeps in step: contacts, items, and orders
(invoices and the order's life after them: payments, credit notes, voids, edits). Each is built
on ``shopxero.engine`` and ``shopxero.translate``; entities never import each other."""
