"""A full disk during a render leaves no file behind (issue 17, point 11).

The PDF is written under a temporary name and renamed into place once complete (a local
folder), or saved under its final name only with all its bytes and removed again when the save
fails (storages without rename: S3, memory). A storage that writes part of the file and then
runs out of space leaves nothing; the memo is tried again, then fails with a Dutch message, and
a later render succeeds with exactly one file."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core.files.base import ContentFile
from django.core.files.storage import (
    FileSystemStorage,
    InMemoryStorage,
    default_storage,
    storages,
)
from django.urls import reverse

from reports import services, tasks
from reports.models import Memo, MemoState
from reports.pdf import Rendered
from tests.reports.helpers import started_session

pytestmark = pytest.mark.django_db

DELAY = "reports.tasks.memo_render_task.delay"
# A stand-in rendering (WeasyPrint takes seconds): what is stored is what matters here.
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
RENDER = "reports.pdf.render_to_pdf"


@pytest.fixture
def quick_render():
    with mock.patch(RENDER, return_value=Rendered(html="", pdf=PDF, page_count=1)) as render:
        yield render


class RunsOutOfSpace:
    """A storage that, while ``full``, writes the first half of a file and then fails as a
    full disk does."""

    full = False

    def _save(self, name, content):
        if not type(self).full:
            return super()._save(name, content)
        data = content.read()
        super()._save(name, ContentFile(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FullDisk(RunsOutOfSpace, FileSystemStorage):
    pass


class FullMemory(RunsOutOfSpace, InMemoryStorage):
    pass


def stored_files(storage) -> list[str]:
    """Every file in the storage, hidden and temporary ones too."""
    found = []

    def walk(directory):
        if directory and not storage.exists(directory):
            return
        folders, files = storage.listdir(directory)
        found.extend(f"{directory}/{name}" if directory else name for name in files)
        for folder in folders:
            walk(f"{directory}/{folder}" if directory else folder)

    walk("")
    return sorted(found)


@pytest.fixture(params=["folder", "memory"])
def storage(request, settings, tmp_path):
    backend = FullDisk if request.param == "folder" else FullMemory
    options = {"location": str(tmp_path / "media")} if request.param == "folder" else {}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{backend.__name__}", "OPTIONS": options},
    }
    RunsOutOfSpace.full = False
    yield default_storage
    RunsOutOfSpace.full = False


def deliver(memo, retries):
    return tasks.memo_render_task.apply(kwargs={"memo_id": memo.pk}, retries=retries)


def test_a_full_disk_leaves_no_file_and_the_memo_fails_with_a_dutch_message(
    storage, quick_render, client, chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = services.memo_request(beraad=beraad, user=chair)
    RunsOutOfSpace.full = True

    for retries in (0, 1):
        with pytest.raises(Retry):
            deliver(memo, retries)
        assert stored_files(storage) == []  # nothing cut short stays behind
        memo.refresh_from_db()
        assert (memo.state, memo.file.name) == (MemoState.WACHTEND, "")
    assert deliver(memo, retries=2).get() is False

    assert stored_files(storage) == []
    memo.refresh_from_db()
    assert (memo.state, memo.file.name, memo.error) == (MemoState.MISLUKT, "", "StorageFull")
    assert memo.failure_message == (
        "Er was geen ruimte meer om het bestand op te slaan. "
        "Probeer het opnieuw zodra er weer ruimte is."
    )
    client.force_login(chair)
    page = client.get(reverse("reports:memo-list", args=[beraad.pk])).content.decode()
    assert memo.failure_message in page

    # There is room again: the chair tries again, and the memo is made, once.
    RunsOutOfSpace.full = False
    with django_capture_on_commit_callbacks(execute=True):
        services.memo_retry(memo=memo, user=chair)
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    assert stored_files(storage) == [memo.file.name]
    with storage.open(memo.file.name, "rb") as handle:
        data = handle.read()
    assert data == PDF
    assert hashlib.sha256(data).hexdigest() == memo.sha256
    assert memo.size == len(data)
    assert quick_render.call_count == 4


def test_a_render_stores_exactly_one_file_with_its_sha256(
    storage, chair, body, other_body, django_capture_on_commit_callbacks
):
    beraad = started_session(chair, body, other_body)
    with django_capture_on_commit_callbacks(execute=True):
        memo = services.memo_request(beraad=beraad, user=chair)
    memo.refresh_from_db()
    assert memo.state == MemoState.KLAAR
    assert memo.file.name == f"memos/{beraad.pk}/{memo.filename}"
    assert stored_files(storage) == [memo.file.name]
    with storage.open(memo.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == memo.sha256


def test_a_render_that_was_taken_over_drops_its_file(
    storage, quick_render, chair, body, other_body
):
    """A render given up as lost (its heartbeat was late) and taken over finishes after all:
    its file is thrown away, the one of the render that holds the claim stays."""
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = services.memo_request(beraad=beraad, user=chair)

    def taken_over_meanwhile(*args, **kwargs):
        Memo.objects.filter(pk=memo.pk).update(attempts=2, render_owner="elsewhere:1:1")
        return Rendered(html="", pdf=PDF, page_count=1)

    quick_render.side_effect = taken_over_meanwhile
    assert services.memo_render(memo_id=memo.pk) is False
    assert stored_files(storage) == []
    memo.refresh_from_db()
    assert (memo.state, memo.file.name) == (MemoState.BEZIG, "")


def test_the_file_is_renamed_into_place_in_a_local_folder(
    storage, quick_render, chair, body, other_body
):
    """In a folder the bytes go to a temporary name beside the target first."""
    if not isinstance(storages["default"], FileSystemStorage):
        assert services._stage(storage=storage, target="memos/1/x.pdf", data=b"%PDF-") is None
        return
    beraad = started_session(chair, body, other_body)
    with mock.patch(DELAY):
        memo = services.memo_request(beraad=beraad, user=chair)
    renames = []
    replace = os.replace

    def recording(source, target):
        renames.append((Path(source).name, Path(target).name))
        return replace(source, target)

    with mock.patch("reports.services.os.replace", side_effect=recording):
        assert services.memo_render(memo_id=memo.pk) is True
    memo.refresh_from_db()
    [(source, target)] = renames
    assert target == memo.filename
    assert source.startswith(f".{memo.filename}.")
    assert source.endswith(".partial")
    assert stored_files(storage) == [memo.file.name]
