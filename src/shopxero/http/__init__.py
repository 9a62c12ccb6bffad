"""Shared HTTP plumbing: pacing, retries, and the API-call log with redaction.

- ``sender.Sender``: the one send path each client uses (pace, send, map errors, record, retry).
- ``throttle``: the ``Pacer`` contract and ``ShopifyBucket``; ``xero_throttle.XeroThrottle``.
- ``retry``: ``RetryPolicy`` and ``call_with_retries`` (transient errors only, on the ``Clock``).
- ``error_mapping``: HTTP statuses and httpx exceptions -> ``shopxero.errors``.
- ``calllog``: ``CallRecord``, ``CallSink`` and the redaction helpers.
- ``clock``: the ``Clock`` protocol the clients pace by.
- ``time_spent``: ``TimeSpent``, the clock time a client spends on its service.
"""
