"""The department's own language model, for rewording a draft's factual sentences.

Off unless `GUAZHI_LLM_URL` names an OpenAI-compatible endpoint (…/v1). Standard library only
(urllib): the request goes to an intranet address, with a timeout, and any failure becomes an
`LLMError` with a Chinese message — the caller keeps the draft as it was. What comes back is
never trusted: `guazhi.drafts.actions.polish_draft` checks every number of it.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

SYSTEM_PROMPT = (
    "你是政府机关的文字秘书。下面是一篇挂职总结中逐句编号的事实陈述。"
    "请只润色措辞，使之符合公文表达习惯：不得改动、增加或删除任何数字、单位、名称和日期，"
    "不得添加原文没有的事实或评价。逐句输出，保持编号，每行一句，格式为“[编号] 句子”，不要输出其他内容。"
)
_LINE = re.compile(r"^\s*\[(\d+)\]\s*(.+?)\s*$")


class LLMError(Exception):
    """The model could not be asked or gave no usable answer; `str(e)` is Chinese."""


def enabled() -> bool:
    return bool(settings.GUAZHI_LLM_URL)


def _key() -> str:
    if settings.GUAZHI_LLM_KEY:
        return str(settings.GUAZHI_LLM_KEY)
    if settings.GUAZHI_LLM_KEY_FILE:
        try:
            return Path(settings.GUAZHI_LLM_KEY_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            raise LLMError("读取大模型密钥文件失败，请联系系统管理员。") from None
    return ""


def reword(sentences: list[str]) -> dict[int, str]:
    """Ask the model to reword the sentences; {index: new wording} for those it answered."""
    if not enabled():
        raise LLMError("本系统未配置大模型服务。")
    numbered = "\n".join(f"[{i + 1}] {s}" for i, s in enumerate(sentences))
    payload = {
        "model": settings.GUAZHI_LLM_MODEL or "default",
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": numbered},
        ],
    }
    headers = {"Content-Type": "application/json"}
    key = _key()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    url = settings.GUAZHI_LLM_URL.rstrip("/") + "/chat/completions"
    if not url.startswith(("http://", "https://")):
        raise LLMError("大模型服务地址应以 http:// 或 https:// 开头，请联系系统管理员。")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (scheme checked above)
            request, timeout=settings.GUAZHI_LLM_TIMEOUT
        ) as response:
            body = json.loads(response.read().decode("utf-8"))
        content = body["choices"][0]["message"]["content"]
    except TimeoutError:
        raise LLMError("大模型服务响应超时，初稿保持不变，请稍后再试。") from None
    except urllib.error.HTTPError as e:
        raise LLMError(f"大模型服务返回错误（{e.code}），初稿保持不变。") from None
    except (urllib.error.URLError, OSError):
        raise LLMError("无法连接大模型服务，初稿保持不变，请稍后再试。") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("大模型服务的答复无法识别，初稿保持不变。") from None
    if not isinstance(content, str):
        raise LLMError("大模型服务的答复无法识别，初稿保持不变。")
    answers: dict[int, str] = {}
    for line in content.splitlines():
        match = _LINE.match(line)
        if match and 1 <= int(match.group(1)) <= len(sentences):
            answers.setdefault(int(match.group(1)) - 1, match.group(2))
    if not answers:
        raise LLMError("大模型服务没有按要求逐句答复，初稿保持不变。")
    return answers
