"""Every client error as one chat note: what happened in plain words, and what to do next."""

from __future__ import annotations

from tui.api import errors as E
from tui.contract import ACCEPTED_FORMATS


def error_note(
    exc: BaseException,
    *,
    anonymous: bool | None = None,
    bind_url: str | None = None,
) -> str:
    """One line for the chat: "<what happened> — <next step>", with secrets redacted.

    ``anonymous``/``bind_url`` choose the out-of-credits advice: the registration link for an
    anonymous user, "top up" for a registered one."""
    if isinstance(exc, E.OutOfCredits) and exc.next_step == E.LOCAL_ALLOWANCE_STEP:
        text = f"{exc.message} — {exc.next_step}"  # the local engine: never a registration link
    elif isinstance(exc, E.OutOfCredits):
        link = bind_url or getattr(exc, "bind_url", None)
        if anonymous is False:
            step = "top up your credits on nemovideo.com, then try again (export stays free)."
        elif link:
            step = f"register for free to get more credits: {link} — then try again (export stays free)."
        else:
            step = "register or top up on nemovideo.com, then try again (export stays free)."
        text = f"Out of credits (2001) — {step}"
    elif isinstance(exc, E.ExportBlocked):
        text = (
            "Export is blocked on your current plan (HTTP 402) — this is about the subscription, "
            "not credits; check your plan on nemovideo.com."
        )
    elif isinstance(exc, E.RateLimited):
        text = "Too many requests right now (429) — wait about 30 seconds, then try again."
    elif isinstance(exc, E.LinkFailed):
        text = (
            f"That link could not be added: {exc.reason or 'the service could not fetch it'} — {_lower(exc.next_step)}"
        )
    elif isinstance(exc, E.NotMedia):
        text = f"{exc.message.rstrip('.')} — {_lower(exc.next_step)}"
    elif isinstance(exc, E.UnsupportedFileType):
        text = f"That file type is not supported (4001) — accepted formats: {ACCEPTED_FORMATS}."
    elif isinstance(exc, E.FileTooLarge):
        text = "That file is over the 500 MB limit (4002) — compress it or trim it shorter, then upload again."
    elif isinstance(exc, E.TokenExpired):
        text = "Your sign-in token expired (1001) — a new token is being requested; try again in a moment."
    elif isinstance(exc, E.SessionNotFound):
        text = (
            "The server lost this session (1002) — a new session was created and your transcript is kept; "
            "upload your media again to continue."
        )
    elif isinstance(exc, E.MissingClientId):
        text = "The server asked for a client id (400) — a new one was created; try again."
    elif isinstance(exc, E.StreamCut):
        text = (
            "The connection to the agent dropped — nothing was re-sent; checking the project state "
            "to see what was done."
        )
    elif isinstance(exc, E.NetworkError):
        text = "Cannot reach NemoVideo (network) — check your connection or the API address, then try again."
    elif isinstance(exc, E.BadResponse):
        text = (
            "NemoVideo (or a proxy in front of it) sent a bad response — the service may be busy or down; "
            "wait a moment, then try again."
        )
    elif isinstance(exc, E.RenderFailed):
        text = f"The export failed on the server — {_detail(exc)}press ctrl+e (or F5) to try again."
    elif isinstance(exc, E.DownloadError) and exc.status is None and "disk is full" in (exc.message or "").lower():
        text = (
            f"The download did not finish — {_detail(exc)}free some space, then press ctrl+r: the finished "
            "export is picked up again and its download resumes where it stopped."
        )
    elif isinstance(exc, E.DownloadError):
        text = (
            f"The download did not finish — {_detail(exc)}press ctrl+r: the finished export is picked up "
            "again and its download resumes where it stopped."
        )
    elif isinstance(exc, E.InvalidFile):
        text = f"{exc.message} — check the path and try again."
    elif isinstance(exc, E.ApiError) and type(exc) is E.ApiError and exc.code is not None and exc.server_message:
        text = (
            f"NemoVideo could not do that: {exc.server_message.rstrip('.')} — try again; if it keeps "
            "happening, start a new session (ctrl+n)."
        )
    elif isinstance(exc, E.ApiError):
        text = str(exc) or "NemoVideo returned an error — try again."
    elif isinstance(exc, OSError):
        text = f"A local file problem: {exc.strerror or exc} — check the folder and free space, then try again."
    else:
        text = f"Something went wrong ({type(exc).__name__}) — try again; nothing was lost."
    return E.redact(" ".join(text.split()))


def _lower(sentence: str) -> str:
    """A sentence as the second half of a line: first letter lower-cased, one final period."""
    sentence = sentence.strip().rstrip(".") or "try again"
    if sentence[:2].isupper():  # an acronym or a key name ("NEMO_TOKEN", "URL")
        return sentence + "."
    return sentence[:1].lower() + sentence[1:] + "."


def _detail(exc: E.ApiError) -> str:
    """The error's own message as a clause, when it says more than the default."""
    message = (exc.message or "").strip().rstrip(".")
    if not message or message == type(exc).default_message.rstrip("."):
        return ""
    return f"{message}; "


__all__ = ["ACCEPTED_FORMATS", "error_note"]
