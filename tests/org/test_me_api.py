"""GET /api/v1/me/."""


def test_me_lists_memberships_and_permissions(api_as, tree, supervisor):
    response = api_as(supervisor).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "supervisor"
    assert [(m["unit"]["code"], m["role"]) for m in body["memberships"]] == [("68", "supervisor")]
    assert "org.view_unit" in body["permissions"]
    assert "org.add_unit" not in body["permissions"]


def test_administrator_role_grants_admin_permissions(api_as, tree, administrator):
    body = api_as(administrator).get("/api/v1/me/").json()

    assert "org.change_unit" in body["permissions"]


def test_me_anonymous_is_401(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_me_works_with_browser_session(client, tree, cadre_a):
    client.force_login(cadre_a)

    assert client.get("/api/v1/me/").json()["username"] == "cadre_a"
