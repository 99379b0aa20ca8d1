"""One way for views to meet a service's refusal (rodedraden.service_errors), and the guard
that keeps the old boilerplate out of the views (issue 18, point 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from deliberation.forms import ThemeForm
from rodedraden.service_errors import service_errors
from signals.guard import PersonalDataFound, scan_text

ROOT = Path(__file__).resolve().parent.parent
# Every views module of the domain apps, also when a view module is split into a package.
VIEW_MODULES = sorted(
    path
    for app in ("signals", "deliberation", "reports")
    for path in (ROOT / app).rglob("*.py")
    if "views" in path.relative_to(ROOT / app).parts[0] or path.stem.startswith("views")
)


def a_request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class PlainForm(forms.Form):
    title = forms.CharField()


def test_permission_denied_is_a_404():
    with pytest.raises(Http404), service_errors(a_request()):
        raise PermissionDenied


def test_a_refusal_becomes_one_error_message_and_nothing_is_raised():
    request = a_request()
    with service_errors(request) as call:
        raise ValidationError(["Niet nu.", "Eerst vaststellen."])
    assert call.refused
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "Niet nu. Eerst vaststellen.")
    ]


def test_a_call_that_succeeds_is_not_refused_and_says_nothing():
    request = a_request()
    with service_errors(request) as call:
        pass
    assert not call.refused
    assert call.error is None
    assert list(get_messages(request)) == []


def test_other_errors_pass_unchanged():
    class Conflict(Exception):
        pass

    with pytest.raises(Conflict), service_errors(a_request()):
        raise Conflict


def test_on_a_form_a_refusal_goes_to_the_fields_it_names_and_the_rest_above():
    form = PlainForm({"title": "x"})
    assert form.is_valid()
    with service_errors(form=form) as call:
        raise ValidationError({"title": "Te kort.", "period_end": "Na het begin."})
    assert call.refused
    assert form.errors["title"] == ["Te kort."]
    assert form.non_field_errors() == ["Na het begin."]

    form = PlainForm({"title": "x"})
    assert form.is_valid()
    with service_errors(form=form):
        raise ValidationError("Niet toegestaan.")
    assert form.non_field_errors() == ["Niet toegestaan."]


class Stale(Exception):
    def __init__(self, current_version: int):
        self.current_version = current_version


def test_a_conflict_keeps_the_input_and_lets_a_second_save_replace_the_other_version():
    form = PlainForm({"title": "mijn tekst", "version": "3"})
    assert form.is_valid()
    with service_errors(form=form, conflict=Stale, conflict_message="Iemand anders.") as call:
        raise Stale(current_version=5)
    assert call.refused
    assert form.non_field_errors() == ["Iemand anders."]
    assert form.data["title"] == "mijn tekst"
    assert form.data["version"] == 5

    request = a_request()
    with service_errors(request, conflict=Stale, conflict_message="Iemand anders.") as call:
        raise Stale(current_version=5)
    assert call.refused
    assert [m.message for m in get_messages(request)] == ["Iemand anders."]


def test_without_request_or_form_the_view_gets_the_refusal_to_show_itself():
    with service_errors() as call:
        raise ValidationError("Niet toegestaan.")
    assert call.error.messages == ["Niet toegestaan."]


@pytest.mark.django_db
def test_personal_data_found_by_a_service_shows_in_the_forms_findings_panel():
    form = ThemeForm({"name": "Wachttijden", "description": ""})
    assert form.is_valid()
    result = scan_text("Mevrouw Jansen belde 06-12345678.")
    with service_errors(form=form) as call:
        raise PersonalDataFound({"description": result, "elsewhere": result})
    assert call.refused
    assert form.findings == {"description": result}  # with the proposed redaction
    assert "description" in form.errors
    assert form.non_field_errors()  # a field the form does not have: above it


# --- The boilerplate stays out --------------------------------------------------------------
def handled(tree: ast.AST) -> set[str]:
    """The names of the exceptions that a module's ``except`` clauses catch."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names |= {ast.unparse(kind).rsplit(".", 1)[-1] for kind in types}
    return names


def imported(tree: ast.AST) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return modules


def test_the_views_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in VIEW_MODULES}
    assert {"signals/views.py", "reports/views.py"} <= names
    assert any(name.startswith("deliberation/") for name in names)


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_views_leave_service_errors_to_the_helper_and_audit_writes_to_the_services(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not handled(tree) & {"PermissionDenied", "ValidationError"}, (
        "use rodedraden.service_errors.service_errors around the service call"
    )
    assert "rodedraden.audit.services" not in imported(tree), "services own their audit writes"
    assert "user_may_write" not in ast.unparse(tree), "ask signals.policies.may_write"
