def test_home_page_answers_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Industriels Santé Connect" in response.get_data(as_text=True)


def test_user_signs_in_with_username_and_sees_dashboard(client, make_user, sign_in):
    user = make_user("mandataire")
    sign_in(user)
    page = client.get("/tableau-de-bord")
    assert page.status_code == 200
    assert "Votre tableau de bord" in page.get_data(as_text=True)
