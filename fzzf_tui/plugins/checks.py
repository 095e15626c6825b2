"""What a plugin hands over is checked before use: hook names, registered values, return values.

Everything here runs on values that came from plugin code, so it is bounded (depth, size) and
names the wrong thing in Chinese, e.g. ``register_inspection_types: 类型名称应为文字，收到 None``.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

MAX_DEPTH = 64
MAX_NODES = 2_000_000
HOOK_PREFIX = "register_"
EXPORT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
SUFFIX = re.compile(r"^\.[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")


def type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def plain_copy(value: Any, where: str = "") -> Any:
    """A copy made only of dict/list/str/int/float/bool/None, or TypeError naming the first
    other value by its path (``items[3].points: 收到 Decimal``). Bounded in depth and size."""
    nodes = 0

    def copy(v: Any, path: str, depth: int) -> Any:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES:
            raise TypeError(f"{where}内容过大（超过 {MAX_NODES} 个值）")
        if depth > MAX_DEPTH:
            raise TypeError(f"{where}{path or '内容'} 嵌套超过 {MAX_DEPTH} 层")
        if v is None or type(v) in (str, bool, int, float):
            return v
        if isinstance(v, dict):
            out = {}
            for k, item in v.items():
                if type(k) is not str:
                    raise TypeError(f"{where}{path or '内容'} 的键应为文字，收到 {type_name(k)} {k!r:.40}")
                out[k] = copy(item, f"{path}.{k}" if path else k, depth + 1)
            return out
        if isinstance(v, (list, tuple)):
            return [copy(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(v)]
        for base in (bool, int, float, str):  # subclasses, e.g. a str-valued Enum
            if isinstance(v, base):
                return base(v)
        raise TypeError(f"{where}{path or '内容'}: 只能是文字、数字、列表或字典，收到 {type_name(v)}")

    return copy(value, "", 0)


def check_text(value: Any, what: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what}应为文字，收到 {type_name(value)}")
    text = value.strip()
    if required and not text:
        raise TypeError(f"{what}不能为空")
    if len(text) > limit:
        raise TypeError(f"{what}过长（{len(text)} 字，最多 {limit} 字）")
    return text


EXPORT_SCOPES = ("inspection", "consolidation")


def check_export_format(name: Any, label: Any, suffix: Any, writer: Any, scope: Any = "inspection") -> tuple[str, str, str, str]:
    name = check_text(name, "导出格式名", 40)
    if not EXPORT_NAME.match(name):
        raise TypeError(f"导出格式名“{name}”只能含字母、数字、点、下划线和连字符")
    label = check_text(label, "导出格式说明", 200)
    suffix = check_text(suffix, "文件后缀", 20)
    if not SUFFIX.match(suffix):
        raise TypeError(f"文件后缀“{suffix}”应以点开头，只含字母、数字、点、下划线和连字符（如 .docx）")
    if not callable(writer):
        raise TypeError(f"writer 应为函数 writer(data, path, **options)，收到 {type_name(writer)}")
    if scope not in EXPORT_SCOPES:
        raise TypeError(f"scope 应为 {' 或 '.join(EXPORT_SCOPES)}，收到“{scope}”")
    return name, label, suffix, scope


def hook_name_warnings(obj: Any, hook_names: Iterable[str], implemented: Iterable[str]) -> list[str]:
    """Warnings for hook-like names a plugin defines that will never be called.

    ``implemented``: names pluggy registered as hook implementations (decorated with
    ``@hookimpl``). A decorated name without a hook spec is a misspelling or a hook from
    another version; an undecorated function named like a hook (or close to one) is a
    forgotten decorator.
    """
    known = sorted(hook_names)
    implemented = set(implemented)
    out = []

    def suggestion(name: str) -> str:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        return f"（是否想写 {close[0]}？）" if close else f"（可用的钩子：{'、'.join(known)}）"

    for name in sorted(implemented):
        if name not in known:
            out.append(f"未知的钩子 {name}，不会被调用{suggestion(name)}")
    try:
        names = [n for n in dir(obj) if not n.startswith("_")]
    except Exception:  # noqa: BLE001 - a hostile object may refuse dir()
        return out
    for name in names[:10_000]:
        if name in implemented:
            continue
        hooky = name.startswith(HOOK_PREFIX) or bool(difflib.get_close_matches(name, known, n=1, cutoff=0.85))
        if not hooky:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001
            continue
        if not callable(value) or isinstance(value, type):
            continue
        if name in known:
            out.append(f"函数 {name} 缺少 @hookimpl 装饰，不会被调用")
        elif difflib.get_close_matches(name, known, n=1, cutoff=0.75) and getattr(value, "__module__", None) == getattr(obj, "__name__", object()):
            out.append(f"函数 {name} 与钩子名相近但不是钩子，不会被调用{suggestion(name)}")
    return out


def return_value_warning(hook: str, result: Any, registered: int, verb: str = "登记") -> str | None:
    """A hook's return value is never used: say so when the plugin returned something, or
    when it neither returned nor registered anything (the usual sign of a misunderstanding)."""
    if result is not None:
        return f"{hook} 返回了 {type_name(result)}，返回值不会被使用；请调用 register(...) {verb}"
    if registered == 0:
        return f"{hook} 没有{verb}任何内容（返回 None，也没有调用 register）"
    return None
