import pytest
from django.urls import reverse

from miconsulado.accounts.models import ApiToken, Role
from miconsulado.accounts.services import issue_token
from miconsulado.accounts.tests.factories import make_user
from miconsulado.testing import make_office

pytestmark = pytest.mark.django_db


def test_admins_manage_users_with_role_and_offices(client):
    la = make_office("losangeles")
    staff = make_user(Role.CONSULAR_STAFF, offices=[la])
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("admin:accounts_user_change", args=[staff.pk]))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert "role" in fields and "offices" in fields
    listing = client.get(reverse("admin:accounts_user_changelist"), {"role": Role.CONSULAR_STAFF})
    assert list(listing.context["cl"].result_list) == [staff]


@pytest.mark.parametrize("role", [Role.CONSULAR_STAFF, Role.SUPERVISOR])
def test_other_roles_cannot_manage_users(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_apitoken_changelist")).status_code == 403


def test_tokens_are_listed_and_revoked_never_created_here(client):
    agent = make_user(Role.AGENT)
    issue_token(user=agent, label="softphone")
    token = ApiToken.objects.get(user=agent)
    client.force_login(make_user(Role.ADMIN))
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
