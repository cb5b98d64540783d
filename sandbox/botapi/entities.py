"""Telegram text formatting: parse_mode parsing, automatic entities and UTF-16 offsets.

Telegram measures entity offsets in UTF-16 code units and reports parse errors with UTF-8
byte offsets; both are reproduced so a bot sees the same answers it would get from Telegram.
Bare "&" that does not start a known entity is kept as text, as Telegram's parser does.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit


class EntityParseError(Exception):
    """Raised with Telegram's own wording; the caller prefixes "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def entity(kind: str, offset: int, length: int, **extra) -> dict:
    """A MessageEntity dict with Telegram's field order."""
    return {"offset": offset, "length": length, "type": kind, **extra}


class TextBuilder:
    """Collects the visible text while tracking its length in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def since(self, mark: int) -> str:
        return "".join(self.parts[mark:])

    def text(self) -> str:
        return "".join(self.parts)


def sort_entities(entities: list[dict]) -> list[dict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def checked_link(url: str) -> str | None:
    """Normalise a link the way Telegram does, or None when Telegram would reject it."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url.split("?", 1)[0]:
        url = "http://" + url
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("tg", "ton"):
        return url
    if scheme not in ("http", "https"):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if not _valid_host(host):
        return None
    if not (parts.path or parts.query or parts.fragment):
        url += "/"  # Telegram reports "http://example.com" back as "http://example.com/"
    return url


def _valid_host(host: str) -> bool:
    """Telegram refuses single-label hosts such as "localhost" ("Wrong HTTP URL")."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return len(labels) >= 2 and all(labels) and labels[-1].isalpha()


# --- HTML ---------------------------------------------------------------------------------
_HTML_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
                        "tg-spoiler", "tg-emoji", "tg-time", "code", "pre", "blockquote"})
_SIMPLE_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
                "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
                "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class _OpenTag:
    tag: str
    argument: object
    offset: int
    mark: int


def decode_html_entity(text: str, i: int) -> tuple[str | None, int]:
    """Decode "&lt;", "&#60;" or "&#x3c;" at i; (None, i) when it is not an entity Telegram knows."""
    j, n = i + 1, len(text)
    if j < n and text[j] == "#":
        j += 1
        hexadecimal = j < n and text[j] == "x"
        j += hexadecimal
        start = j
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while j < n and text[j] in allowed:
            j += 1
        code = int(text[start:j], 16 if hexadecimal else 10) if j > start else 0
        if code == 0 or code >= 0x10FFFF or j - i >= 10:
            return None, i
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError("Text contains invalid Unicode characters after decoding HTML entities, "
                                   "check for unmatched surrogate code units")
        char = chr(code)
    else:
        while j < n and text[j].isascii() and text[j].isalpha():
            j += 1
        char = _NAMED_ENTITIES.get(text[i + 1:j])
        if char is None:
            return None, i
    return char, j + 1 if j < n and text[j] == ";" else j


def parse_html(text: str) -> tuple[str, list[dict]]:
    out, stack, entities = TextBuilder(), [], []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, end = decode_html_entity(text, i)
            if decoded is not None:
                out.add(decoded)
                i = end
                continue
        if char != "<":
            out.add(char)
            i += 1
        elif i + 1 < n and text[i + 1] == "/":
            i = _close_tag(text, i, out, stack, entities)
        else:
            i = _open_tag(text, i, out, stack)
    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1].tag}")
    for item in entities:
        if item["type"] == "code":
            item.pop("language", None)
    return out.text(), sort_entities(entities)


def _skip_spaces(text: str, j: int) -> int:
    while j < len(text) and text[j].isspace():
        j += 1
    return j


def _open_tag(text: str, begin: int, out: TextBuilder, stack: list[_OpenTag]) -> int:
    j, n, at = begin + 1, len(text), byte_offset(text, begin)
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {at}")
    tag = text[begin + 1:j].lower()
    if tag not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {at}')
    attributes, j = _attributes(text, j, tag, at)
    stack.append(_OpenTag(tag, _tag_argument(tag, attributes, at), out.offset, len(out.parts)))
    return j + 1


def _attributes(text: str, j: int, tag: str, at: int) -> tuple[dict[str, str], int]:
    attributes: dict[str, str] = {}
    n = len(text)
    while True:
        j = _skip_spaces(text, j)
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at}")
        if text[j] == ">":
            return attributes, j
        start = j
        while j < n and not text[j].isspace() and text[j] not in "=>":
            j += 1
        name = text[start:j].lower()
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        j = _skip_spaces(text, j)
        if j >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {at}')
        if text[j] != "=":
            if tag == "blockquote" and name == "expandable":
                attributes[name] = ""
                continue
            raise EntityParseError(f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                                   f"at byte offset {at}")
        attributes[name], j = _attribute_value(text, _skip_spaces(text, j + 1), tag, at)


def _attribute_value(text: str, j: int, tag: str, at: int) -> tuple[str, int]:
    n = len(text)
    if j >= n:
        raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {at}')
    if text[j] in "'\"":
        quote, j, value = text[j], j + 1, []
        while j < n and text[j] != quote:
            decoded, end = decode_html_entity(text, j) if text[j] == "&" else (None, j)
            value.append(decoded if decoded is not None else text[j])
            j = end if decoded is not None else j + 1
        j += j < n
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at}")
        return "".join(value), j
    start = j
    while j < n and (text[j].isalnum() or text[j] in ".-"):
        j += 1
    if j < n and not text[j].isspace() and text[j] != ">":
        raise EntityParseError(f"Unexpected end of name token at byte offset {byte_offset(text, start)}")
    return text[start:j].lower(), j


def _tag_argument(tag: str, attributes: dict[str, str], at: int) -> object:
    if tag == "a":
        return attributes.get("href")
    if tag == "code":
        css = attributes.get("class", "")
        return css[len("language-"):] if css.startswith("language-") else None
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if tag == "tg-emoji":
        return attributes.get("emoji-id", "")
    if tag == "blockquote":
        return "expandable" in attributes
    if tag == "tg-time":
        return attributes.get("unix", ""), attributes.get("format")
    return None


def _close_tag(text: str, begin: int, out: TextBuilder, stack: list[_OpenTag], entities: list[dict]) -> int:
    at, j, n = byte_offset(text, begin), begin + 2, len(text)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {at}")
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    name = text[begin + 2:j].lower()
    j = _skip_spaces(text, j)
    if j >= n or text[j] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {at}")
    top = stack.pop()
    if name and name != top.tag:
        raise EntityParseError(f'Unmatched end tag at byte offset {at}, expected "</{top.tag}>", '
                               f'found "</{name}>"')
    if out.offset > top.offset:
        _add_tag_entity(top, out, entities)
    return j + 1


def _add_tag_entity(top: _OpenTag, out: TextBuilder, entities: list[dict]) -> None:
    offset, length = top.offset, out.offset - top.offset
    last = entities[-1] if entities else None
    same_range = last is not None and last["offset"] == offset and last["length"] == length
    if top.tag in _SIMPLE_TAGS:
        entities.append(entity(_SIMPLE_TAGS[top.tag], offset, length))
    elif top.tag == "a":
        entities.extend(link_entity(top.argument or out.since(top.mark), offset, length))
    elif top.tag == "pre" and same_range and last["type"] == "code" and last.get("language"):
        entities[-1] = entity("pre", offset, length, language=last["language"])
    elif top.tag == "pre":
        entities.append(entity("pre", offset, length))
    elif top.tag == "code" and same_range and last["type"] == "pre" and top.argument:
        last["language"] = top.argument
    elif top.tag == "code":
        entities.append(entity("code", offset, length, **({"language": top.argument} if top.argument else {})))
    elif top.tag == "blockquote":
        entities.append(entity("expandable_blockquote" if top.argument else "blockquote", offset, length))
    elif top.tag == "tg-emoji":
        entities.append(custom_emoji_entity(str(top.argument), offset, length))
    else:
        entities.append(_date_time_entity(top.argument, offset, length))


def link_entity(url: str, offset: int, length: int) -> list[dict]:
    """text_link (or a text_mention placeholder for tg://user?id=...); nothing for a bad URL."""
    mention = re.fullmatch(r"tg://user\?id=(\d+)", url.strip())
    if mention:
        return [entity("text_mention", offset, length, user={"id": int(mention.group(1))})]
    link = checked_link(url)
    return [entity("text_link", offset, length, url=link)] if link else []


def custom_emoji_entity(emoji_id: str, offset: int, length: int) -> dict:
    if not emoji_id.isdigit() or int(emoji_id) == 0:
        raise EntityParseError("Invalid custom emoji identifier specified")
    return entity("custom_emoji", offset, length, custom_emoji_id=emoji_id)


def _date_time_entity(argument, offset: int, length: int) -> dict:
    unix, time_format = argument
    if not str(unix).isdigit():
        raise EntityParseError("Invalid Unix time specified")
    extra = {"date_time_format": time_format} if time_format else {}
    return entity("date_time", offset, length, unix_time=int(unix), **extra)


# --- automatic entities -----------------------------------------------------------------------
_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")),
    ("url", re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'}]")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*(?![\w#])")),
)


def auto_entities(text: str, existing: list[dict]) -> list[dict]:
    """Entities Telegram detects by itself (commands, links, e-mails, mentions, hashtags)."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in existing
             if e["type"] in ("code", "pre", "text_link", "text_mention", "custom_emoji")]
    found: list[dict] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[:match.start()])
            end = start + utf16_len(match.group())
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append(entity(kind, start, end - start))
    return found
