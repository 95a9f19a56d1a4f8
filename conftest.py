import os

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}"
