"""Settings for the test suite: the real settings, with a test secret and an in-memory task queue.

The database is whatever DATABASE_URL says (PostgreSQL in CI's second pass), else SQLite.
"""

import os

os.environ.setdefault("MICONSULADO_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("MICONSULADO_HOLD_TTL_SECONDS", "600")

from miconsulado.settings import *  # noqa: F403

# Tasks are recorded, not run, so a test can assert what a service enqueued.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Separate test databases for runs that share a machine (parallel work, a bench beside the suite).
_test_db = os.environ.get("MICONSULADO_TEST_DB")
if _test_db:
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_test_db}.sqlite3")}  # noqa: F405
    else:
        DATABASES["default"]["TEST"] = {"NAME": _test_db}  # noqa: F405

# Tests serve static files from the finders; no collectstatic run is needed.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Tests read availability straight from the database; test_availability_cache turns the cache on.
MICONSULADO["AVAILABILITY_CACHE_SECONDS"] = 0  # noqa: F405
# Tests change catalog rows behind the signals' back (QuerySet.update): a snapshot loaded for every
# lookup (test_snapshots keeps them longer).
MICONSULADO["CATALOG_CACHE_SECONDS"] = 0  # noqa: F405
# No reminders unless a test asks for them (notifications' test_reminders_*: override_settings): the
# other tests count the messages a change writes, and reminders would add to them.
MICONSULADO["REMINDER_HOURS"] = []  # noqa: F405
