"""Routing what the user types: local commands (EN + ZH), URLs, and everything else to the agent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.router import ACTIONS, Route, extract_urls, route


@pytest.mark.parametrize(
    "text",
    [
        "export",
        "Export",
        "EXPORT!",
        "export please",
        "please export",
        "export it",
        "export the video",
        "export my video now",
        "export to mp4",
        "export as mp4",
        "/export",
        "download",
        "Download.",
        "download it",
        "download it please",
        "download the video",
        "download now",
        "can you download it for me?",
        "ok, download the final video",
        "send me the video",
        "Send me the video!",
        "send it to me",
        "send me the file",
        "导出",
        "导出视频",
        "帮我导出一下",
        "请导出视频",
        "下载视频",
        "下载",
        "导出吧",
        "把视频导出",
        "把视频发给我",
        "導出視頻",
        "下載",
        "render it",
        "render the final video please",
        "export please 🙏",
        "🎬 export",
    ],
)
def test_export_commands(text):
    r = route(text)
    assert r.action == "export", text
    assert r.urls == []
    assert r.text == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "credits",
        "Credits?",
        "my credits",
        "check credits",
        "show my credits",
        "how many credits do I have?",
        "how many credits are left",
        "balance",
        "what's my balance",
        "check balance please",
        "积分",
        "我的积分",
        "查看积分",
        "还有多少积分",
        "余额",
        "查询余额",
        "我的積分",
        "餘額",
        "credit balance",
    ],
)
def test_credits_commands(text):
    assert route(text).action == "credits", text


@pytest.mark.parametrize(
    "text",
    [
        "status",
        "Status?",
        "show status",
        "what's the status",
        "show tracks",
        "show me the tracks",
        "show the timeline",
        "状态",
        "查看状态",
        "当前状态",
        "显示轨道",
    ],
)
def test_status_commands(text):
    assert route(text).action == "status", text


@pytest.mark.parametrize(
    "text",
    [
        "upload",
        "Upload!",
        "upload a file",
        "upload my video",
        "upload files please",
        "上传",
        "上传文件",
        "我要上传视频",
        "上傳",
    ],
)
def test_upload_commands(text):
    assert route(text).action == "upload", text


@pytest.mark.parametrize(
    "text",
    [
        # Edit requests that merely contain a keyword are for the agent.
        "add a title that says download now",
        "add the text 'export' at the start",
        "put a caption: send me the video",
        "export the first 10 seconds as a GIF",
        "download it in 720p",
        "export in 4k",
        "trim to 0-10 s and then export",
        "don't export yet",
        "what does export do differently from download",
        "make the balance of music and voice better",
        "show the status bar text at the bottom of the video",
        "upload is slow, can you make the video shorter",
        "add the title 'Urban Dreams'",
        "trim to 0–10 s",
        "hello",
        "thanks!",
        "what can you do?",
        "",
        "   ",
        "把标题改成导出",
        "添加背景音乐",
        "剪辑前十秒",
        # Two different commands in one line: let the agent sort it out.
        "upload and export",
        "status and credits",
        # "send" alone is not the seed's "send me the video".
        "send",
        "send a thank-you message",
        "render the intro in slow motion",
        "download status",
        # The seed's example request without a link: an instruction about the output, for the agent.
        "download this video in MP4 format at the highest available resolution",
        "convert it into a 1080p MP4",
    ],
)
def test_agent_messages(text):
    r = route(text)
    assert r.action == "agent", text
    assert r.urls == []


def test_long_line_of_fillers_is_not_a_command():
    text = "please " * 20 + "export"
    assert route(text).action == "agent"


def test_a_download_request_with_a_url_is_a_download_job():
    text = "download this video in MP4 at the highest resolution https://www.youtube.com/watch?v=abc123"
    r = route(text)
    assert r == Route("download", text, ["https://www.youtube.com/watch?v=abc123"])


@pytest.mark.parametrize(
    "text,urls",
    [
        ("https://example.com/a.mp4", ["https://example.com/a.mp4"]),
        ("download https://example.com/a.mp4.", ["https://example.com/a.mp4"]),
        ("see (https://example.com/v/1), thanks", ["https://example.com/v/1"]),
        ("http://127.0.0.1:8765/media/x.mp4?dl=1&t=3!", ["http://127.0.0.1:8765/media/x.mp4?dl=1&t=3"]),
        ("two: https://a.example/x, and https://b.example/y;", ["https://a.example/x", "https://b.example/y"]),
        ("dup https://a.example/x https://a.example/x", ["https://a.example/x"]),
        ("wiki https://en.wikipedia.org/wiki/Foo_(bar).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("<https://example.com/q>", ["https://example.com/q"]),
        ('"https://example.com/q"', ["https://example.com/q"]),
        ("下载这个视频https://example.com/v.mp4。谢谢", ["https://example.com/v.mp4"]),
        ("HTTPS://EXAMPLE.COM/V", ["HTTPS://EXAMPLE.COM/V"]),
        ("export http://", []),
        ("ftp://example.com/file.mp4", []),
        ("no url here", []),
    ],
)
def test_extract_urls(text, urls):
    assert extract_urls(text) == urls


def test_url_wins_over_export_keyword():
    r = route("export https://example.com/clip.mp4")
    assert r.action == "agent"
    assert r.urls == ["https://example.com/clip.mp4"]


def test_download_with_url_in_chinese():
    r = route("下载 https://example.com/v.mp4")
    assert r.action == "download" and r.urls == ["https://example.com/v.mp4"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_route_never_raises_and_is_bounded(text):
    r = route(text)
    assert r.action in ACTIONS
    assert len(r.text) <= len(text)
    assert len(r.urls) <= text.count(".") + text.lower().count("localhost")
    for url in r.urls:
        assert url in text or url.split("://", 1)[1] in text  # a link typed without a scheme gets one
        assert url.lower().startswith(("http://", "https://"))
    if r.action not in ("agent", "download"):
        assert r.urls == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["export", "please", "credits", "add", "https://x.io/a", "导出", "上传", " ", "!", "title"]),
        max_size=20,
    )
)
def test_route_on_keyword_soup(words):
    text = " ".join(words)
    r = route(text)
    assert r.action in ACTIONS
    if "https://x.io/a" in words:
        # only links and save words: a download job; any other word (an edit, a question): the agent
        others = {w for w in words if w.strip() and w not in ("https://x.io/a", "!", "please")}
        assert r.action == ("download" if not others else "agent") and r.urls == ["https://x.io/a"]


@pytest.mark.parametrize(
    "text,paths",
    [
        ("upload ~/Videos/a.mp4", ["~/Videos/a.mp4"]),
        ("upload /tmp/a.mp4 /tmp/b.mov please", ["/tmp/a.mp4", "/tmp/b.mov"]),
        ('upload "/home/me/My Videos/a b.mp4"', ["/home/me/My Videos/a b.mp4"]),
        ("upload './my clip.mp4'", ["./my clip.mp4"]),
        ("上传 /tmp/x.mp4", ["/tmp/x.mp4"]),
        ("upload C:\\Users\\me\\a.mp4", ["C:\\Users\\me\\a.mp4"]),
        ("upload ./clip.mp4.", ["./clip.mp4"]),
    ],
)
def test_upload_with_local_paths(text, paths):
    assert route(text) == Route("upload", text, [], paths)


@pytest.mark.parametrize(
    "text", ["add /tmp/a.mp3 as music", "export to ~/Desktop", "trim to 0/10", "upload and/or export"]
)
def test_paths_outside_an_upload_command_go_to_the_agent(text):
    r = route(text)
    assert r.action == "agent" and r.paths == []


def test_slash_commands_are_not_paths():
    assert route("/export") == Route("export", "/export", [], [])
    assert route("/upload").action == "upload"
    assert route("/credits").action == "credits"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_upload_paths_are_from_the_text(text):
    r = route("upload " + text)
    for path in r.paths:
        assert path in "upload " + text
    if r.paths:
        assert r.action == "upload"
