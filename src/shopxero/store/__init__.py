"""SQLite state: schema, migrations and every SQL statement of shopxero."""
