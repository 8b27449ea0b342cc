"""The agent's words, in English and Chinese (the reply is in the language of the request).

``say(key, lang, **values)`` formats one message. Unsupported requests name what was asked
and the nearest thing the engine can do.
"""

from __future__ import annotations

import re
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "intro": ("Sure! I'm {what}.", "好的！正在{what}。"),
    "done": ("Done: {what}.", "已完成：{what}。"),
    "net_zero": (
        "I did these steps: {what}. Together they leave the project as it was, so nothing was charged.",
        "我执行了这些步骤：{what}。合起来项目没有变化，所以没有扣积分。",
    ),
    "unchanged": ('Nothing changed for "{what}": {why}', "“{what}”没有变化：{why}"),
    "failed": ('I couldn\'t do "{what}": {why}', "无法完成“{what}”：{why}"),
    "big_cut": (
        'This removed most of the video ({before} s → {after} s). Say "undo" to get it back.',
        "这次删掉了视频的大部分（{before} 秒 → {after} 秒）。说“撤销”可以恢复。",
    ),
    "export_hint": ("When you are happy with it, export the video.", "满意后就可以导出视频。"),
    "no_video": (
        "There is no video in this project yet: upload a file or paste a video link, then ask again.",
        "项目里还没有视频：请先上传文件或粘贴视频链接，然后再说一次。",
    ),
    "no_audio_upload": (
        "To add background music, upload an audio file first (mp3, wav, m4a or aac), then ask again.",
        "要添加背景音乐，请先上传音频文件（mp3、wav、m4a 或 aac），然后再说一次。",
    ),
    "already_mp4": (
        "Exports are always MP4 (H.264/AAC), so there is nothing to convert.",
        "导出的文件始终是 MP4（H.264/AAC），无需转换。",
    ),
    "unknown": ('I didn\'t understand "{text}", so I left it out.', "我没看懂“{text}”，这部分没有处理。"),
    "unknown_all": (
        'I\'m not sure what you mean by "{text}", so I changed nothing.',
        "我不太明白“{text}”的意思，所以没有做任何修改。",
    ),
    "which_clip": (
        'Which clip? Say for example "move the second clip to the end".',
        "是哪一个片段？例如可以说“把第二个片段移到最后”。",
    ),
    "nothing_to_undo": ("There is nothing to undo.", "没有可以撤销的操作。"),
    "nothing_to_redo": ("There is nothing to redo.", "没有可以重做的操作。"),
    "nothing_to_revert": ("There is no original to go back to yet.", "还没有可以恢复的原始版本。"),
    "empty_timeline": (
        "The timeline is empty. Upload a file or paste a video link to start.",
        "时间线是空的。上传文件或粘贴视频链接即可开始。",
    ),
    "link_known": ("That link is already in this project.", "这个链接已经在项目里了。"),
}

# What the engine cannot do yet: (what was asked, the nearest thing it can do).
UNSUPPORTED: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "logo": (
        ("add a logo, watermark or image overlay", "添加 logo、水印或图片"),
        (
            "I can add a text title instead, e.g. \"add the title 'My Brand' at the top-right\".",
            "可以改为添加文字标题，例如“添加标题「我的品牌」在右上”。",
        ),
    ),
    "subtitles": (
        ("make subtitles from the speech", "根据语音自动生成字幕"),
        (
            "I can add a title with the words you type, e.g. \"add the caption 'Hello' at the bottom from 0:02 to 0:05\".",
            "可以添加你输入的文字，例如“添加字幕「你好」在底部 从2秒到5秒”。",
        ),
    ),
    "transition": (
        ("add transitions between clips", "在片段之间加转场"),
        ('I can fade the whole video in and out: "add a fade in and out".', "可以给整个视频加淡入淡出：“加淡入淡出”。"),
    ),
    "filter": (("change colours or add filters", "调色或加滤镜"), ("", "")),
    "effect": (
        ("add that visual effect", "添加这种画面特效"),
        (
            "I can change the speed, the aspect ratio (crop or pad) and add fades.",
            "可以调整速度、画面比例（裁剪或加黑边）和淡入淡出。",
        ),
    ),
    "reverse": (
        ("play it backwards or loop it", "倒放或循环播放"),
        ('I can change the speed: "play it at 0.5x".', "可以调整速度：“0.5倍速播放”。"),
    ),
    "voiceover": (
        ("add a voice-over", "添加配音"),
        (
            'Upload a recording as an audio file and say "add it as music".',
            "可以把录音作为音频文件上传，然后说“添加为背景音乐”。",
        ),
    ),
    "noise": (
        ("clean up the sound", "降噪或清理声音"),
        ("I can make the original sound quieter or mute it.", "可以把原声调小或静音。"),
    ),
    "format": (
        ("export in that format", "导出为这种格式"),
        ("I export MP4 (H.264/AAC), which plays everywhere.", "导出格式为 MP4（H.264/AAC），几乎所有设备都能播放。"),
    ),
    "fps": (
        ("change the frame rate", "修改帧率"),
        (
            'I keep the source\'s frame rate; I can change the resolution ("720p").',
            "会保持原帧率；可以修改分辨率（“720p”）。",
        ),
    ),
    "smart_cut": (
        ("pick the parts automatically", "自动挑选片段"),
        (
            'Tell me the times and I\'ll cut them, e.g. "cut 0:05 to 0:12".',
            "告诉我具体时间即可剪切，例如“删除5到12秒”。",
        ),
    ),
    "generate": (("generate new video or images", "生成新的视频或图片"), ("", "")),
    "publish": (
        ("post it online", "发布到网上"),
        ("Export the video, then upload the file yourself.", "请先导出视频，再自行上传文件。"),
    ),
    "split_screen": (("make a split screen", "制作分屏"), ("", "")),
    "merge_other": (
        ("merge other files that way", "那样合并文件"),
        (
            "Upload or paste each video: they play one after another on the timeline.",
            "上传或粘贴每个视频，它们会在时间线上依次播放。",
        ),
    ),
    "title_style": (
        ("change the title's font, size or colour", "修改标题的字体、大小或颜色"),
        ('I can move it: "move the title to the top".', "可以移动标题位置：“把标题移到顶部”。"),
    ),
    "title_no_text": (
        ("add a title without its words", "添加没有文字的标题"),
        ("Tell me the words, e.g. \"add the title 'Summer trip'\".", "请告诉我标题文字，例如“添加标题「夏日旅行」”。"),
    ),
    "aspect": (
        ("use that aspect ratio", "使用这个画面比例"),
        (
            "I can do 16:9, 9:16, 1:1, 4:5, 4:3, 3:4, 21:9, 2:3 and 3:2.",
            "支持 16:9、9:16、1:1、4:5、4:3、3:4、21:9、2:3 和 3:2。",
        ),
    ),
}

HELP = (
    "Here is what I can do with this project:\n"
    "- fetch a video from a link you paste, in MP4 at the highest available resolution\n"
    '- trim or cut ("trim to 0-10 s", "lose the last 4 seconds", "start at 0:07", "make it 15 s long")\n'
    '- clips: "remove the second clip", "put clip 2 first", "trim the first clip to 3 s"\n'
    '- speed: "2x", "slow motion from 0:02 to 0:04"; fades: "fade in and out", "fade the music out"\n'
    "- titles: \"add the title 'Urban Dreams' at the bottom from 0:02 to 0:06\", \"change the title to 'X'\"\n"
    '- music from an uploaded audio file ("add music at 35%"), "make the music quieter", "mute"\n'
    '- shape: 16:9, 9:16 ("for Reels"), 1:1, 4:5 ("Instagram post"), 21:9; "1080p", "720p"\n'
    '- file size: "make the file smaller", "under 16 MB for WhatsApp"\n'
    '- "undo", "redo", "start over"; "show the timeline"\n'
    "\n"
    "When you are happy with it, export the video.",
    "我可以对这个项目做这些事：\n"
    "- 从你粘贴的链接获取视频（MP4，最高分辨率）\n"
    "- 剪辑：“剪到0-10秒”“删掉最后4秒”“从7秒开始”“剪成15秒”\n"
    "- 片段：“删除第二个片段”“把第二个片段放到最前面”\n"
    "- 速度：“2倍速”“慢动作”；淡入淡出：“加淡入淡出”“音乐淡出”\n"
    "- 标题：“添加标题「城市之梦」在底部”“把标题改成「X」”\n"
    "- 背景音乐（先上传音频）：“添加背景音乐 音量30”“把音乐调小一点”“静音”\n"
    "- 画面比例：竖屏 9:16、方形 1:1、4:5、横屏 16:9；“720p”\n"
    "- 文件大小：“压缩一下”“小于16MB”\n"
    "- “撤销”“重做”“恢复原样”；“时间线”\n"
    "\n"
    "满意后就可以导出视频。",
)


# The draft's EditError messages (English, from tui.engine.draft_edits / draft_ops) in Chinese.
_ERRORS_ZH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rx), zh)
    for rx, zh in [
        (r"^There is no video in this project yet", "项目里还没有视频：请先上传文件或粘贴视频链接。"),
        (r"^That range is empty: (?:the video|clip \d+) is ([\d.]+) s long", "这个时间范围是空的：只有 {0} 秒长。"),
        (r"^That would cut the whole (?:video|clip)", "这样会把整个视频都剪掉。"),
        (r"^There is no background music", "项目里还没有背景音乐：请先添加音乐。"),
        (r"^There is no title yet", "还没有标题：请先添加，例如“添加标题「夏日旅行」”。"),
        (r"^There is no clip (-?\d+): the video track has (\d+)", "没有第 {0} 个片段：视频轨道只有 {1} 个片段。"),
        (r"^That is the only clip", "这是唯一的片段；要删除整个视频请说“删除视频轨道”。"),
        (r"^There is only one clip", "只有一个片段，无法调整顺序。"),
        (r"^(?:I can change the speed|That would play at)", "速度只能在 0.25 倍到 4 倍之间。"),
        (r"^([\d.]+) MB is too small", "{0} MB 太小了：请先剪短视频，或选择更大的文件大小。"),
        (r"^The title would start after the end", "标题的开始时间超过了视频结尾。"),
        (r"^There is no (\w+) track to remove", "没有可以删除的轨道。"),
    ]
]


def error_text(message: str, lang: str) -> str:
    """An edit's error message in the request's language (English stays as it is)."""
    if lang != "zh":
        return message
    for rx, zh in _ERRORS_ZH:
        m = rx.search(message)
        if m:
            return zh.format(*m.groups())
    return message


def say(key: str, lang: str, **values: Any) -> str:
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)


def help_text(lang: str) -> str:
    return HELP[1] if lang == "zh" else HELP[0]


def unsupported(what: str, lang: str) -> str:
    (asked_en, asked_zh), (near_en, near_zh) = UNSUPPORTED.get(what, ((what, what), ("", "")))
    if lang == "zh":
        return f"我暂时还不能{asked_zh}。" + (f"{near_zh}" if near_zh else "")
    return f"I can't {asked_en} yet." + (f" {near_en}" if near_en else "")


def join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items) if len(items) < 3 else "；".join(items)
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items)
