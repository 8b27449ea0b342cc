"""Short descriptions of planned edits ("trimming to 0-10 s", "剪辑到 0-10 秒"), in the
request's language, with the values the request gave."""

from __future__ import annotations

from tui.engine.nlu.clause import Intent
from tui.engine.nlu.times import Span

_POS_ZH = {
    "top": "顶部",
    "bottom": "底部",
    "center": "中间",
    "top-left": "左上",
    "top-right": "右上",
    "bottom-left": "左下",
    "bottom-right": "右下",
}
_TRACK = {0: ("video", "视频"), 1: ("music", "音乐"), 7: ("title", "标题")}


def _s(ms: int | None) -> str:
    return f"{(ms or 0) / 1000:g}"


def span_text(span: Span | None, lang: str) -> str:
    zh = lang == "zh"
    if span is None:
        return "整个视频" if zh else "the whole video"
    if span.frac is not None:
        a, b = span.frac
        if zh:
            return "前半段" if (a, b) == (0.0, 0.5) else "后半段" if (a, b) == (0.5, 1.0) else f"{a:.0%}-{b:.0%}"
        names = {(0.0, 0.5): "the first half", (0.5, 1.0): "the second half"}
        return names.get((a, b), f"{a:.0%}-{b:.0%} of the video")
    if span.last_ms is not None:
        return f"最后 {_s(span.last_ms)} 秒" if zh else f"the last {_s(span.last_ms)} s"
    if span.end_ms is None:
        return f"{_s(span.start_ms)} 秒到结尾" if zh else f"{_s(span.start_ms)} s to the end"
    if not span.start_ms:
        return f"前 {_s(span.end_ms)} 秒" if zh else f"the first {_s(span.end_ms)} s"
    return f"{_s(span.start_ms)}-{_s(span.end_ms)} 秒" if zh else f"{_s(span.start_ms)}-{_s(span.end_ms)} s"


def _clip(n: int | None, lang: str) -> str:
    if n is None:
        return ""
    if lang == "zh":
        return "最后一个片段" if n == -1 else f"第 {n} 个片段"
    return "the last clip" if n == -1 else f"clip {n}"


def label(intent: Intent, lang: str) -> str:
    k, p = intent.kind, intent.params
    zh = lang == "zh"
    span = p.get("span")
    clip = p.get("clip")
    where = span_text(span, lang) + ((" / " if zh else " of ") + _clip(clip, lang) if clip is not None else "")
    if clip is not None and span is None:
        where = _clip(clip, lang)
    if k == "convert":
        return f"把输出设为 MP4 {p.get('resolution')}" if zh else f"setting the output to MP4 at {p.get('resolution')}"
    if k == "trim":
        return f"保留{where}" if zh else f"keeping {where}"
    if k == "cut":
        return f"剪掉{where}" if zh else f"cutting {where}"
    if k == "speed":
        return f"{where} {p['factor']:g} 倍速" if zh else f"playing {where} at {p['factor']:g}x"
    if k == "fade":
        which = {"in": ("in", "淡入"), "out": ("out", "淡出"), "both": ("in and out", "淡入淡出")}[p["which"]]
        target = ("音乐", "music") if p["target"] == "music" else ("视频", "video")
        return (
            f"给{target[0]}加{which[1]}（{_s(p['ms'])} 秒）"
            if zh
            else f"fading the {target[1]} {which[0]} ({_s(p['ms'])} s)"
        )
    if k == "title":
        extra_en = (f" at the {p['position']}" if p.get("position") else "") + (
            f", {span_text(span, 'en')}" if span else ""
        )
        extra_zh = (f"，位置{_POS_ZH.get(p['position'], p['position'])}" if p.get("position") else "") + (
            f"，{span_text(span, 'zh')}" if span else ""
        )
        if p.get("replace"):
            return f"把标题改为“{p['text']}”{extra_zh}" if zh else f'changing the title to "{p["text"]}"{extra_en}'
        return f"添加标题“{p['text']}”{extra_zh}" if zh else f'adding the title "{p["text"]}"{extra_en}'
    if k == "title_edit":
        pos = p.get("position")
        if zh:
            return (
                "调整标题"
                + (f"到{_POS_ZH.get(pos, pos)}" if pos else "")
                + (f"，{span_text(span, 'zh')}" if span else "")
            )
        return "moving the title" + (f" to the {pos}" if pos else "") + (f", {span_text(span, 'en')}" if span else "")
    if k == "volume":
        target = {"music": ("音乐", "music"), "video": ("原声", "original sound"), "all": ("音量", "volume")}[
            p["target"]
        ]
        if p.get("percent") is not None:
            return f"把{target[0]}设为 {p['percent']}%" if zh else f"setting the {target[1]} to {p['percent']}%"
        up = (p.get("factor") or 1) > 1
        return (
            f"把{target[0]}调{'大' if up else '小'}"
            if zh
            else f"making the {target[1]} {'louder' if up else 'quieter'}"
        )
    if k == "mute":
        return "静音原声" if zh else "muting the original sound"
    if k == "unmute":
        return "恢复原声" if zh else "restoring the original sound"
    if k == "aspect":
        a = p.get("aspect")
        fit = p.get("fit") == "crop"
        if zh:
            return f"把画面比例改为 {a or '原始比例'}" + ("（裁剪填满）" if fit else "")
        return f"changing the aspect ratio to {a or 'the source'}" + (" (cropped to fill)" if fit else "")
    if k == "size":
        mb = p.get("max_mb")
        if mb is None:
            return "压缩文件" if zh else "making the file smaller"
        why = f" for {p['reason']}" if p.get("reason") else ""
        return f"把文件限制在 {mb:g} MB 以内" if zh else f"keeping the file under {mb:g} MB{why}"
    if k == "remove":
        if p.get("index") is not None:
            return f"删除第 {p['index']} 条轨道" if zh else f"removing track {p['index']}"
        en, cn = _TRACK.get(int(p["track_type"]), ("", ""))
        return f"删除{cn}轨道" if zh else f"removing the {en} track"
    if k == "remove_clip":
        return f"删除{_clip(clip, lang)}" if zh else f"removing {_clip(clip, lang)}"
    if k == "move_clip":
        to = p.get("to")
        dest_zh = "最后" if to == -1 else f"第 {to} 位"
        dest_en = "the end" if to == -1 else ("the start" if to == 1 else f"position {to}")
        return f"把{_clip(clip, lang)}移到{dest_zh}" if zh else f"moving {_clip(clip, lang)} to {dest_en}"
    if k == "swap_clips":
        return f"交换第 {p['a']} 和第 {p['b']} 个片段" if zh else f"swapping clips {p['a']} and {p['b']}"
    if k == "reverse_clips":
        return "倒转片段顺序" if zh else "reversing the order of the clips"
    if k == "undo":
        n = int(p.get("steps", 1))
        return (
            ("撤销上一步" if n == 1 else f"撤销 {n} 步")
            if zh
            else ("undoing the last change" if n == 1 else f"undoing the last {n} changes")
        )
    if k == "redo":
        return "重做" if zh else "redoing the change"
    if k == "revert":
        return "恢复到原始版本" if zh else "going back to the original"
    return k


def music_label(filename: str, volume: int, lang: str) -> str:
    if lang == "zh":
        return f"添加背景音乐“{filename}”（音量 {volume}%）"
    return f'adding "{filename}" as background music at {volume}%'


def fetch_label(url: str, lang: str) -> str:
    return (
        f"获取 {url}（MP4，最高分辨率）"
        if lang == "zh"
        else f"fetching {url} in MP4 at the highest available resolution"
    )


def and_join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
