"""Log records without query strings, and without the secrets some paths carry.

A query string may hold what a user typed (a search for a name, a filter), and a log is kept
outside every retention term and read by others. Django's own request log names the path only
("Not Found: /signalen/"), gunicorn's access log is configured without it
(rodedraden/gunicorn.py); this filter, on every handler of the site's logging, removes a query
string from whatever else a record carries: the development server's request lines, a message
of ours or of a package that names an address.

Some paths are secrets themselves: the link in a password-reset e-mail
(``/account/wachtwoord-herstellen/<uidb64>/<token>/``, and the ``set-password`` address Django
sends it on to) lets whoever reads it choose the account's password. Its segments are masked
(``***``) in every line of the site's logging and of gunicorn's access log.
"""

from __future__ import annotations

import logging
import re

# A path or an address, then "?" and the query string, up to a space or a quote.
QUERY_STRING = re.compile(r"((?:https?://[^\s/?\"']+)?/[^\s?\"']*)\?[^\s\"']*")


# The addresses whose next two segments are a secret (rodedraden/urls.py): the reset link's
# user and token, or the user and Django's "set-password" it moves on to.
MASK = "***"
SECRET_PATH_PREFIXES = ("/account/wachtwoord-herstellen/",)
SECRET_PATH = re.compile(
    "(" + "|".join(map(re.escape, SECRET_PATH_PREFIXES)) + r")((?:[^\s/?\"']+/?){1,2})"
)


def _mask(match: re.Match) -> str:
    segments = match.group(2).split("/")
    return match.group(1) + "/".join(MASK if segment else segment for segment in segments)


def without_query_string(text: str) -> str:
    return QUERY_STRING.sub(r"\1", text)


def without_secret_paths(text: str) -> str:
    """``text`` with the secret segments of a reset link (and the like) masked."""
    return SECRET_PATH.sub(_mask, text)


def scrubbed(text: str) -> str:
    """What a log line may keep of ``text``: no query string, no secret path segment."""
    return without_secret_paths(without_query_string(text))


class NoQueryString(logging.Filter):
    """No query string and no secret path segment in a record (``scrubbed``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrubbed(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                scrubbed(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: scrubbed(arg) if isinstance(arg, str) else arg
                for key, arg in record.args.items()
            }
        return True
