"""MarkdownV2 and legacy Markdown parsing, and `format_text`, the single entry point.

`format_text` turns what the bot sent (text + parse_mode or explicit entities) into what
Telegram stores: the visible text, trimmed, with entities in UTF-16 offsets.
"""
from __future__ import annotations

from dataclasses import dataclass

from sandbox.botapi.entities import (
    EntityParseError, TextBuilder, auto_entities, byte_offset, custom_emoji_entity, entity, link_entity,
    parse_html, sort_entities, utf16_len,
)
from sandbox.botapi.errors import bad_request

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!\n")
# Telegram's own names for entity types in "Can't find end of ... entity" errors.
_ERROR_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
                "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
                "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote"}


@dataclass
class _Open:
    kind: str
    argument: str | None
    offset: int
    index: int
    mark: int


class _MarkdownV2:
    """One pass over the text, keeping a stack of open entities."""

    def __init__(self, text: str) -> None:
        self.text, self.out = text, TextBuilder()
        self.stack: list[_Open] = []
        self.entities: list[dict] = []
        self.quote: _Open | None = None

    def parse(self) -> tuple[str, list[dict]]:
        i, text = 0, self.text
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
                self.out.add(text[i + 1])
                i += 2
            elif char not in self._reserved():
                self.out.add(char)
                i += 1
            elif self.stack and self._ends_top(i):
                i = self._close(i)
            else:
                i = self._open(i)
        return self._finish()

    def _reserved(self) -> frozenset[str] | str:
        if self.stack and self.stack[-1].kind in ("code", "pre"):
            return "`"
        return _RESERVED

    def _at(self, i: int, chunk: str) -> bool:
        return self.text.startswith(chunk, i)

    def _ends_top(self, i: int) -> bool:
        char, kind = self.text[i], self.stack[-1].kind
        if self.quote and char == "\n" and not self._at(i + 1, ">"):
            return True
        return {"bold": char == "*", "italic": char == "_" and not self._at(i + 1, "_"),
                "underline": self._at(i, "__"), "strikethrough": char == "~",
                "spoiler": self._at(i, "||"), "code": char == "`", "pre": self._at(i, "```"),
                "text_link": char == "]", "custom_emoji": char == "]"}.get(kind, False)

    def _reserved_error(self, i: int) -> EntityParseError:
        return EntityParseError(f"Character '{self.text[i]}' is reserved and must be escaped with the preceding '\\'")

    def _open(self, i: int) -> int:
        char = self.text[i]
        simple = {"*": ("bold", 1), "~": ("strikethrough", 1), "[": ("text_link", 1)}
        if char in simple:
            kind, width = simple[char]
            if char == "*" and self._at(i, "**>") and self._line_start(i):
                return self._open_quote(i, 3, expandable=True)
        elif char == "_":
            kind, width = ("underline", 2) if self._at(i, "__") else ("italic", 1)
        elif char == "|" and self._at(i, "||"):
            if self.quote and self.stack[-1] is self.quote and self._line_end(i + 2):
                self.quote.argument = "expandable"
                return i + 2
            kind, width = "spoiler", 2
        elif char == "!" and self._at(i, "!["):
            kind, width = "custom_emoji", 2
        elif char == "`":
            return self._open_code(i)
        elif char == "\n":
            return self._newline(i)
        elif char == ">" and i == 0:
            return self._open_quote(i, 1)
        else:
            raise self._reserved_error(i)
        self._push(kind, None, i)
        return i + width

    def _line_start(self, i: int) -> bool:
        return i == 0 or self.text[i - 1] == "\n"

    def _line_end(self, i: int) -> bool:
        return i >= len(self.text) or self.text[i] == "\n"

    def _push(self, kind: str, argument: str | None, i: int) -> _Open:
        item = _Open(kind, argument, self.out.offset, i, len(self.out.parts))
        self.stack.append(item)
        return item

    def _open_quote(self, i: int, width: int, expandable: bool = False) -> int:
        self.quote = self._push("blockquote", "expandable" if expandable else None, i)
        return i + width

    def _newline(self, i: int) -> int:
        self.out.add("\n")
        if self._at(i + 1, "**>") and not self.quote:
            return self._open_quote(i + 1, 3, expandable=True)
        if self._at(i + 1, ">"):
            return self._open_quote(i + 1, 1) if not self.quote else i + 2
        return i + 1

    def _open_code(self, i: int) -> int:
        if not self._at(i, "```"):
            self._push("code", None, i)
            return i + 1
        start = j = i + 3
        text = self.text
        while j < len(text) and not text[j].isspace() and text[j] != "`":
            j += 1
        language = None
        if j != start and j < len(text) and text[j] != "`":
            language, start = text[start:j], j
        self._push("pre", language, i)
        for newline in ("\r\n", "\n\r", "\n", "\r"):
            if self._at(start, newline):
                return start + len(newline)
        return start

    def _close(self, i: int) -> int:
        top = self.stack[-1]
        if self.text[i] == "\n" and top.kind != "blockquote":
            raise self._unclosed(top)
        self.stack.pop()
        argument, end = top.argument, i + {"underline": 2, "spoiler": 2, "pre": 3}.get(top.kind, 1)
        if top.kind in ("text_link", "custom_emoji"):
            argument, end = self._link_target(top, i)
        elif top.kind == "blockquote":
            self.quote = None
            self.out.add("\n")  # the blockquote keeps its closing line break
        length = self.out.offset - top.offset
        if length > 0:
            self.entities.extend(self._make(top.kind, argument, top.offset, length))
        return end

    def _link_target(self, top: _Open, i: int) -> tuple[str | None, int]:
        if not self._at(i + 1, "("):
            if top.kind == "custom_emoji":
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            return self.out.since(top.mark), i + 1
        j, url = i + 2, []
        while j < len(self.text) and self.text[j] != ")":
            escaped = self.text[j] == "\\" and j + 1 < len(self.text) and 0 < ord(self.text[j + 1]) <= 126
            url.append(self.text[j + 1] if escaped else self.text[j])
            j += 2 if escaped else 1
        if j >= len(self.text):
            what = "a custom emoji URL" if top.kind == "custom_emoji" else "a URL"
            raise EntityParseError(f"Can't find end of {what} at byte offset {byte_offset(self.text, i + 2)}")
        return "".join(url), j + 1

    def _make(self, kind: str, argument: str | None, offset: int, length: int) -> list[dict]:
        if kind == "text_link":
            return link_entity(argument or "", offset, length)
        if kind == "custom_emoji":
            emoji_id = (argument or "").partition("tg://emoji?id=")[2]
            return [custom_emoji_entity(emoji_id, offset, length)]
        if kind == "pre" and argument:
            return [entity("pre", offset, length, language=argument)]
        if kind == "blockquote" and argument:
            return [entity("expandable_blockquote", offset, length)]
        return [entity(kind, offset, length)]

    def _unclosed(self, top: _Open) -> EntityParseError:
        name = "PreCode" if top.kind == "pre" and top.argument else _ERROR_NAMES[top.kind]
        return EntityParseError(f"Can't find end of {name} entity at byte offset {byte_offset(self.text, top.index)}")

    def _finish(self) -> tuple[str, list[dict]]:
        if self.quote and self.stack and self.stack[-1] is self.quote:
            top = self.stack.pop()
            length = self.out.offset - top.offset
            if length:
                self.entities.extend(self._make("blockquote", top.argument, top.offset, length))
        if self.stack:
            raise self._unclosed(self.stack[-1])
        return self.out.text(), sort_entities(self.entities)


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    return _MarkdownV2(text).parse()


def parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out, entities, i, n = TextBuilder(), [], 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        i = _legacy_entity(text, i, out, entities)
    return out.text(), sort_entities(entities)


def _legacy_entity(text: str, begin: int, out: TextBuilder, entities: list[dict]) -> int:
    char, n = text[begin], len(text)
    end_char, i, language, is_pre = ("]" if char == "[" else char), begin + 1, None, False
    if char == "`" and text.startswith("``", i):
        i, is_pre = i + 2, True
        j = i
        while j < n and not text[j].isspace() and text[j] != "`":
            j += 1
        if j != i and j < n and text[j] != "`":
            language, i = text[i:j], j
        if i < n and text[i] in "\r\n":
            i += 2 if i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i] else 1
    offset, mark = out.offset, len(out.parts)
    while i < n and (text[i] != end_char or (is_pre and not text.startswith("``", i + 1))):
        out.add(text[i])
        i += 1
    if i >= n:
        raise EntityParseError(f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}")
    length, url = out.offset - offset, None
    if char == "[":
        url = out.since(mark)
        if text.startswith("(", i + 1):
            close = text.find(")", i + 2)
            close = n if close < 0 else close
            url, i = text[i + 2:close], close
    if length:
        entities.extend(_legacy_make(char, is_pre, language, url, offset, length))
    return i + (3 if is_pre else 1)


def _legacy_make(char: str, is_pre: bool, language, url, offset: int, length: int) -> list[dict]:
    if char == "[":
        return link_entity(url or "", offset, length)
    if is_pre:
        return [entity("pre", offset, length, **({"language": language} if language else {}))]
    return [entity({"_": "italic", "*": "bold", "`": "code"}[char], offset, length)]


_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def format_text(text: str, parse_mode: str | None = None, entities: list[dict] | None = None,
                *, detect: bool = True) -> tuple[str, list[dict]]:
    """Return the text Telegram would store and its entities; raise the 400 Telegram would give."""
    if parse_mode and parse_mode.lower() != "none":
        parser = _PARSERS.get(parse_mode.lower())
        if parser is None:
            raise bad_request("unsupported parse_mode")
        try:
            text, entities = parser(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        entities = [dict(e) for e in entities or []]
    text, entities = _trim(text, entities)
    if detect:
        entities = sort_entities(entities + auto_entities(text, entities))
    return text, entities


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram drops leading and trailing white space and clips entities to what is left."""
    stripped = text.strip()
    if stripped == text:
        return text, _clip(entities, 0, utf16_len(text))
    shift = utf16_len(text[:len(text) - len(text.lstrip())])
    return stripped, _clip(entities, shift, utf16_len(stripped))


def _clip(entities: list[dict], shift: int, size: int) -> list[dict]:
    kept = []
    for item in entities:
        start = max(item["offset"] - shift, 0)
        end = min(item["offset"] + item["length"] - shift, size)
        if end > start:
            kept.append({**item, "offset": start, "length": end - start})
    return kept
