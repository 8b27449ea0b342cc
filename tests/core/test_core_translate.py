"""The backend's GUI talk rewritten into this app's keys and panes, content kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.translate import KEYS, translate_gui


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Click the Export button to download your video.", "Press ctrl+e (or F5) to export your video."),
        ('click the "Export" button in the top right corner', "press ctrl+e (or F5) to export"),
        ("Done! Just click **Export** to render.", "Done! Just press ctrl+e (or F5) to export."),
        ("When you're happy, click Export.", "When you're happy, press ctrl+e (or F5) to export."),
        ("Use the Export button when ready.", "Press ctrl+e (or F5) to export when ready."),
        ("Click on the Download button.", "Press ctrl+e (or F5) to export."),
        ("Click the Upload button to add media.", "Press ctrl+u to upload to add media."),
        ("Click the Refresh button.", "Press ctrl+r to refresh."),
        ("Tap the Copy Link button to share.", "Press ctrl+y to copy the link to share."),
        ("Click the Apply button to apply the style.", 'Say "apply" in the chat to apply the style.'),
        ("Open the timeline panel to see the title.", "See the timeline pane to see the title."),
        ("You can open the editor to check it.", "You can see the timeline pane to check it."),
        ("Drag and drop your video into the timeline.", "Send your video in chat (ctrl+u to upload)."),
        ("You can drag and drop files here.", "You can send it in chat (ctrl+u to upload)."),
        ("Drag & drop your music file onto the audio track.", "Send your music file in chat (ctrl+u to upload)."),
        ("Preview it in the timeline before exporting.", "Check the timeline pane's summary before exporting."),
        (
            "Please check your account billing page for credits.",
            "Please check the credits panel (ctrl+r refreshes) for credits.",
        ),
        ("Visit the billing page to top up.", "Check the credits panel (ctrl+r refreshes) to top up."),
        ("Click the Billing button.", "See the credits panel (ctrl+r refreshes)."),
        ("Go to the Export tab to get your video.", "Press ctrl+e (or F5) to export your video."),
        ("Head over to the billing page.", "Check the credits panel (ctrl+r refreshes)."),
        ("Switch to the timeline view.", "See the timeline pane."),
        ("Use the download button below.", "Press ctrl+e (or F5) to export."),
        ("Hit Export when you're done.", "Press ctrl+e (or F5) to export when you're done."),
        (
            "To export, click the Export button in the top-right corner, then choose 1080p.",
            "To export, press ctrl+e (or F5) to export, then choose 1080p.",
        ),
        ("You can preview the changes in the timeline on the right.", "You can check the timeline pane's summary."),
        (
            "Once uploaded, open the Media panel and drag the clip onto the timeline.",
            "Once uploaded, see the timeline pane and send the clip in chat (ctrl+u to upload).",
        ),
    ],
)
def test_english(text, expected):
    assert translate_gui(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("点击导出按钮即可下载。", "按 ctrl+e（或 F5）导出即可下载。"),
        ("完成后请点击“导出”按钮。", "完成后请按 ctrl+e（或 F5）导出。"),
        ("点击【导出】", "按 ctrl+e（或 F5）导出"),
        ("使用导出按钮保存视频", "使用按 ctrl+e（或 F5）导出保存视频"),
        ("点击上传按钮添加素材", "按 ctrl+u 上传添加素材"),
        ("点击应用按钮", "在聊天中说“应用”"),
        ("打开时间线面板查看标题", "查看时间线面板查看标题"),
        ("把视频拖拽到时间线", "把视频在聊天中发送（ctrl+u 上传）"),
        ("请查看账户余额页面", "请查看积分面板（ctrl+r 刷新）"),
        ("请点击右上角的导出按钮，然后选择1080p。", "请按 ctrl+e（或 F5）导出，然后选择1080p。"),
        ("你可以在时间线上预览效果。", "你可以查看时间线面板的摘要效果。"),
    ],
)
def test_chinese(text, expected):
    assert translate_gui(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'I added the title "Urban Dreams" at 0–3 s.',
        "Your video is 35 seconds long. The export will be 1080p.",
        "I exported the clip and downloaded the music.",
        "Here is the link: https://example.com/open-the-panel/click",
        "我已经导出了视频。",
        "",
        "The title says: click here to subscribe",  # not a button instruction we know
        "I opened your video and trimmed it to 10 seconds.",
        "Open-source fonts are used for the title.",
        "Use the export feature to download.",
        "The drop in volume at 0:05 is intentional.",
        "The viewer will click through to your channel.",
        "I dragged the title to 2s.",
    ],
)
def test_plain_content_is_kept(text):
    assert translate_gui(text) == text


def test_content_around_gui_talk_is_kept():
    text = 'I added the title "Paradise Found" (0–3s). Click the Export button when ready, or open the timeline panel.'
    out = translate_gui(text)
    assert out.startswith('I added the title "Paradise Found" (0–3s). ')
    assert "ctrl+e" in out and "timeline pane" in out
    assert "button" not in out.lower() and "panel" not in out.lower()


def test_rewrites_are_not_rewritten_again():
    out = translate_gui("Click the Billing button, then check your billing page.")
    assert out.count("(ctrl+r refreshes)") == 2
    assert "(ctrl+r refreshes) (ctrl+r refreshes)" not in out


def test_keys_are_the_product_keys():
    assert KEYS["export"] == "ctrl+e" and KEYS["export_alt"] == "F5"
    assert KEYS["upload"] == "ctrl+u" and KEYS["url"] == "ctrl+l"
    assert KEYS["refresh"] == "ctrl+r" and KEYS["copy"] == "ctrl+y"
    assert KEYS["new_session"] == "ctrl+n" and KEYS["cancel"] == "escape"
    assert KEYS["palette"] == "ctrl+p" and KEYS["quit"] == "ctrl+q"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text):
    out = translate_gui(text)
    assert isinstance(out, str)
    assert "\x00" not in out
