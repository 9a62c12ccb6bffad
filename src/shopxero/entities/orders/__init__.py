"""Orders -> invoices, then each order's life: payments, refunds as credit notes, voids, edits,
and the guest contact for orders without a customer."""
