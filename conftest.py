import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the project's language. LocaleMiddleware leaves a request's language (say
    English, from Accept-Language) active in the thread, and it would leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
