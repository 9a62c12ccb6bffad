"""The Shopify simulator's GraphQL Admin API (``POST /admin/api/{version}/graphql.json``).

Built with graphql-core on Shopify's own 2026-10 schema (``schema.py``); answers are read from
the same ``ShopStore`` the REST endpoints serve (``shapes.py``), so one seed serves both APIs.
``endpoint.py`` is the route; ``cost.py`` the calculated query cost and its bucket; ``bulk.py``
the bulk operations; ``search.py`` the ``query:`` search syntax; ``errors.py`` Shopify's error
shapes (shopify-api-notes §10).
"""
