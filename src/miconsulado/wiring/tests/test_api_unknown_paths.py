"""Every unknown path under /api/ answers the JSON 404, whatever characters it holds and whichever
API version it names: never Django's HTML page."""

import pytest

NOT_FOUND = {"code": "not_found", "message": "That resource does not exist.", "errors": {}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/x%0Ay",  # a line break: Django's `path` converter does not match it
        "/api/v1/%0A",
        "/api/v1/x%0Dy",
        "/api/v1/a/b%0A/c",
        "/api/v1/x%E2%80%A8y",
        "/api/",
        "/api/v2/offices",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_path_is_a_json_404(client, db, path, method):
    response = getattr(client, method)(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == NOT_FOUND


def test_other_pages_keep_djangos_404(client, db):
    response = client.get("/nowhere%0A")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
