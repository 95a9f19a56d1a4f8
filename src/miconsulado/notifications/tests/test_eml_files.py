"""file://PATH writes one .eml file per message, whole, which a mail program opens."""

import email
import email.policy

import pytest
from django.test import override_settings

from miconsulado.notifications.models import Message, MessageState
from miconsulado.notifications.tests.booking_support import book
from miconsulado.notifications.tests.conftest import deliver_announced, send_queued
from miconsulado.testing import applicant

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_eml_file_per_message(tmp_path, slot, procedure):
    book(slot, procedure, applicant(email="ana@example.com"), applicant(email="luis@example.com"))
    deliver_announced()
    with override_settings(
        EMAIL_BACKEND="miconsulado.notifications.backends.EmlFileBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    ):
        assert send_queued() == ["sent", "sent"]
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    by_id = {m.message_id: m for m in Message.objects.all()}
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        row = by_id[parsed["Message-ID"]]
        assert parsed["To"] == row.recipient and parsed.get_content_type() == "multipart/mixed"  # + the files
        assert row.state == MessageState.SENT and row.provider_message_id == path.name
