"""Log records without query strings.

A query string may hold what a user typed (a search for a name, a filter), and a log is kept
outside every retention term and read by others. Django's own request log names the path only
("Not Found: /signalen/"), gunicorn's access log is configured without it
(rodedraden/gunicorn.py); this filter, on every handler of the site's logging, removes a query
string from whatever else a record carries: the development server's request lines, a message
of ours or of a package that names an address.
"""

from __future__ import annotations

import logging
import re

# A path or an address, then "?" and the query string, up to a space or a quote.
QUERY_STRING = re.compile(r"((?:https?://[^\s/?\"']+)?/[^\s?\"']*)\?[^\s\"']*")


def without_query_string(text: str) -> str:
    return QUERY_STRING.sub(r"\1", text)


class NoQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query_string(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query_string(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: without_query_string(arg) if isinstance(arg, str) else arg
                for key, arg in record.args.items()
            }
        return True
