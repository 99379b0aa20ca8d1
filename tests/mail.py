"""Helpers for tests that follow links from e-mails."""

import re

SET_PASSWORD_LINK = re.compile(r"https?://[^/]+(/account/wachtwoord-herstellen/\S+/)")


def choose_password_through_link(client, message_body: str, password: str) -> None:
    """Open the set-password link in an e-mail and choose a password with it, as a user would."""
    link = SET_PASSWORD_LINK.search(message_body)
    assert link, message_body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert response.status_code == 302
