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


def test_me_shows_the_profile_language(api_as, tree, cadre_a):
    assert api_as(cadre_a).get("/api/v1/me/").json()["language"] == "vi"


def test_patch_me_sets_the_language_for_the_app_and_the_pages(api_as, client, tree, cadre_a):
    response = api_as(cadre_a).patch(
        "/api/v1/me/", {"language": "en"}, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )

    assert response.status_code == 200, response.content
    assert response.json()["language"] == "en"
    assert response["Content-Language"] == "en"
    cadre_a.refresh_from_db()
    assert cadre_a.language == "en"
    client.force_login(cadre_a)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_patch_me_refuses_a_language_not_offered_naming_the_field(api_as, tree, cadre_a):
    response = api_as(cadre_a).patch("/api/v1/me/", {"language": "fr"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["language"]
    assert body["message"].startswith("Ngôn ngữ: ")
    cadre_a.refresh_from_db()
    assert cadre_a.language == "vi"


def test_patch_me_anonymous_is_401(api):
    assert api.patch("/api/v1/me/", {"language": "en"}, format="json").status_code == 401
