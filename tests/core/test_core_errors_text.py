"""Each client error as one plain line with a next step."""

from __future__ import annotations

import pytest

from tui.api import errors as E
from tui.core.errors_text import error_note


def test_out_of_credits_anonymous_gets_the_bind_link():
    exc = E.OutOfCredits(code=2001, bind_url="https://nemovideo.com/?bind=anon_abc123")
    note = error_note(exc, anonymous=True)
    assert "https://nemovideo.com/?bind=anon_abc123" in note
    assert "register" in note.lower()
    assert (
        error_note(E.OutOfCredits(code=2001), anonymous=True, bind_url="https://w/?bind=x").count("https://w/?bind=x")
        == 1
    )


def test_out_of_credits_registered_tops_up():
    note = error_note(E.OutOfCredits(code=2001, bind_url="https://nemovideo.com/?bind=u1"), anonymous=False)
    assert "top up" in note.lower()
    assert "bind" not in note


@pytest.mark.parametrize(
    "exc,words",
    [
        (E.ExportBlocked(status=402), ["subscription", "not credits"]),
        (E.RateLimited(status=429), ["wait", "30 seconds"]),
        (E.UnsupportedFileType(code=4001), ["mp4", "mov", "webm", "jpg", "mp3", "aac"]),
        (E.FileTooLarge(code=4002), ["500 MB", "compress", "trim"]),
        (E.TokenExpired(code=1001), ["new token"]),
        (E.SessionNotFound(code=1002), ["new session", "transcript is kept"]),
        (E.NetworkError(), ["connection"]),
        (E.BadResponse(status=502), ["proxy", "try again"]),
        (E.MissingClientId(status=400), ["client id"]),
        (E.StreamCut(), ["nothing was re-sent"]),
        (E.RenderFailed("The export failed twice (ffmpeg error)."), ["failed twice (ffmpeg error)", "ctrl+e"]),
        (E.DownloadError(), ["download", "resumes"]),
        (E.InvalidFile("No such file: /tmp/x.mp4."), ["/tmp/x.mp4", "check the path"]),
        (E.ApiError("Something odd."), ["Something odd."]),
        (OSError(28, "No space left on device"), ["No space left on device", "free space"]),
        (ValueError("boom"), ["try again"]),
    ],
)
def test_plain_words_and_next_step(exc, words):
    note = error_note(exc)
    assert "\n" not in note
    for word in words:
        assert word.lower() in note.lower(), (word, note)


def test_secrets_are_redacted():
    note = error_note(E.ApiError("bad header Bearer nmv_usr_secret999"))
    assert "nmv_usr_secret999" not in note
    note = error_note(RuntimeError("token nmv_abc_def"))
    assert "nmv_abc_def" not in note
