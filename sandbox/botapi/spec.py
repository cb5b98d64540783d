"""The Bot API specification (bot-api-spec.json) and the checks every call goes through.

The fake server trusts nothing the bot sends: each parameter is decoded the way Telegram's
Bot API server decodes it (form strings, JSON bodies, multipart uploads) and checked against
the types the specification declares, recursively for JSON-serialized objects.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.botapi.errors import ApiError, bad_request

log = logging.getLogger(__name__)

DEFAULT_SPEC_PATH = Path(__file__).with_name("bot-api-spec.json")
SCALARS = frozenset({"String", "Integer", "Float", "Boolean"})
INPUT_FILE = "InputFile"
_INTEGER = re.compile(r"^-?\d+$")
_MUST_BE = re.compile(r"must be (?:\"|“)?([a-z_]+)")
# Telegram names some types differently in its error texts.
_CONTEXT_NAMES = {"InlineKeyboardButton": "inline keyboard button", "KeyboardButton": "keyboard button"}
# Telegram words a few missing parameters its own way.
_MISSING = {"chat_id": "chat_id is empty", "text": "message text is empty"}
# Telegram silently drops a reply_markup object it does not recognise instead of failing.
_LENIENT_UNIONS = frozenset({"reply_markup"})


@dataclass(frozen=True)
class Upload:
    """A file that came in a multipart body."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...] = ()
    # The value the object's "type" field must hold (e.g. "photo" for InputMediaPhoto).
    tag: str | None = None


@dataclass
class DecodedCall:
    params: dict[str, Any] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _fields(raw: list[dict]) -> dict[str, FieldSpec]:
    return {f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw}


def _type_tag(raw: dict) -> str | None:
    for f in raw.get("fields", []):
        if f["name"] == "type":
            match = _MUST_BE.search(f.get("description", ""))
            return match.group(1) if match else None
    return None


class Spec:
    """Bot API methods and types, with the decoding rules Telegram applies to parameters."""

    def __init__(self, raw: dict):
        self.version: str = raw.get("version", "")
        self.methods = {name.lower(): MethodSpec(name, _fields(m.get("fields", [])), tuple(m.get("returns", [])))
                        for name, m in raw["methods"].items()}
        self.types = {name: TypeSpec(name, _fields(t.get("fields", [])), tuple(t.get("subtypes", [])),
                                     _type_tag(t))
                      for name, t in raw["types"].items()}

    def method(self, name: str) -> MethodSpec | None:
        """Method names are case-insensitive, as on Telegram."""
        return self.methods.get(name.lower())

    # --- top-level parameters -------------------------------------------------------------
    def decode_call(self, method: MethodSpec, raw: dict[str, Any], uploads: dict[str, Upload]) -> DecodedCall:
        """Decode and check every parameter; unknown ones are ignored (and logged) like Telegram does."""
        call = DecodedCall()
        for name, value in raw.items():
            spec = method.fields.get(name)
            if spec is None:
                if name not in uploads:
                    call.ignored.append(name)
                continue
            decoded = self._decode_param(spec, value, uploads)
            if decoded is not None:
                call.params[name] = decoded
        for name, spec in method.fields.items():
            if name not in call.params and name in uploads and INPUT_FILE in spec.types:
                call.params[name] = uploads[name]
        for spec in method.fields.values():
            if spec.required and spec.name not in call.params:
                raise bad_request(_MISSING.get(spec.name, f'parameter "{spec.name}" is required'))
        if call.ignored:
            log.info("%s: ignoring unknown parameters %s", method.name, call.ignored)
        return call

    def _decode_param(self, spec: FieldSpec, value: Any, uploads: dict[str, Upload]) -> Any:
        if INPUT_FILE in spec.types:
            return _decode_file(spec, value, uploads)
        if all(t in SCALARS for t in spec.types):
            return _decode_scalar(spec.name, value, spec.types)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {spec.name.replace('_', ' ')} JSON object") from None
        try:
            return self.check_value(value, spec.types, spec.name)
        except ApiError:
            if spec.name in _LENIENT_UNIONS and isinstance(value, dict) and not self._any_tag_matches(value, spec):
                log.warning("reply_markup %r matches no markup type; Telegram ignores it", value)
                return None
            raise

    def _any_tag_matches(self, value: dict, spec: FieldSpec) -> bool:
        return any(all(f.name in value for f in self.types[t].fields.values() if f.required)
                   for t in spec.types if t in self.types)

    # --- JSON-serialized objects ------------------------------------------------------------
    def check_value(self, value: Any, types: tuple[str, ...] | list[str], context: str, *,
                    strict: bool = False) -> Any:
        """Check a decoded JSON value against one of `types`; return it with numbers normalised.

        Unknown fields are ignored, as Telegram ignores them; strict=True rejects them instead,
        which is how tests prove that objects the fake produces have Telegram's exact shape.
        """
        return _Checker(self.types, strict).value(value, types, context)


class _Checker:
    """Recursive checks of JSON objects against the specification's types."""

    def __init__(self, types: dict[str, TypeSpec], strict: bool) -> None:
        self.types, self.strict = types, strict

    def value(self, value: Any, types, context: str) -> Any:
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # "Array of A or Array of B": each item may be any of A, B (sendMediaGroup's media)
            if not isinstance(value, list):
                raise bad_request(f'field "{context}" must be an Array')
            items = [t[len("Array of "):] for t in types]
            return [self.value(item, items, context) for item in value]
        if isinstance(value, dict) and self._no_tag_matches(value, types):
            raise bad_request(f'can\'t parse {context}: unsupported type "{value.get("type")}"')
        first_error: ApiError | None = None
        for type_name in self._candidates(value, types):
            try:
                return self._one(value, type_name, context)
            except ApiError as error:
                first_error = first_error or error
        raise first_error or bad_request(f"can't parse {context}: wrong value type")

    def _no_tag_matches(self, value: dict, types) -> bool:
        specs = [self.types.get(t) for t in types]
        tagged = [spec for spec in specs if spec is not None and spec.tag is not None]
        return len(tagged) == len(specs) > 1 and all(spec.tag != value.get("type") for spec in tagged)

    def _candidates(self, value: Any, types) -> list[str]:
        """Try first the union member the object says it is ("type"), then one whose fields fit."""
        if not isinstance(value, dict):
            return list(types)
        def rank(name: str) -> int:
            spec = self.types.get(name)
            if spec is None:
                return 3
            if spec.tag is not None:
                return 0 if value.get("type") == spec.tag else 2
            return 1 if all(f.name in value for f in spec.fields.values() if f.required) else 2
        return sorted(types, key=rank)

    def _one(self, value: Any, type_name: str, context: str) -> Any:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise bad_request(f'field "{context}" must be an Array')
            item_type = type_name[len("Array of "):]
            return [self.value(item, [item_type], context) for item in value]
        if type_name in SCALARS or type_name == INPUT_FILE:
            return _nested_scalar(value, type_name, context)
        return self._object(value, self.types[type_name])

    def _object(self, value: Any, spec: TypeSpec) -> Any:
        label = _CONTEXT_NAMES.get(spec.name, spec.name)
        if spec.name == "KeyboardButton" and isinstance(value, str):
            return {"text": value}  # Telegram accepts a bare string as a text button
        if not isinstance(value, dict):
            raise bad_request(f"can't parse {label}: object expected")
        if spec.subtypes:
            return self._abstract(value, spec, label)
        checked = dict(value)
        for f in spec.fields.values():
            if f.name in value:
                checked[f.name] = self._field(value[f.name], f, label)
            elif f.required:
                raise bad_request(f'can\'t parse {label}: Can\'t find field "{f.name}"')
        if spec.tag and value.get("type") != spec.tag:
            raise bad_request(f'can\'t parse {label}: type must be "{spec.tag}"')
        unknown = [name for name in value if name not in spec.fields]
        if self.strict and unknown:
            raise bad_request(f'can\'t parse {label}: unknown field "{unknown[0]}"')
        return checked

    def _field(self, value: Any, f: FieldSpec, label: str) -> Any:
        """Nested objects report their own errors; a wrong value is reported against its parent."""
        nested = [t for t in f.types if t not in SCALARS and t != INPUT_FILE]
        if nested and isinstance(value, (dict, list)):
            if isinstance(value, dict) and all(t.startswith("Array of ") for t in nested):
                raise bad_request(f'can\'t parse {label}: Field "{f.name}" must be an Array')
            return self.value(value, f.types, f.name)
        for type_name in f.types:
            decoded = _nested_scalar_or_none(value, type_name)
            if decoded is not None:
                return decoded
        raise bad_request(f'can\'t parse {label}: Field "{f.name}" must be of type {_type_label(f.types)}')

    def _abstract(self, value: dict, spec: TypeSpec, label: str) -> Any:
        """An abstract type (InputMedia, MaybeInaccessibleMessage...): pick the concrete one."""
        subtypes = [self.types[name] for name in spec.subtypes]
        if not any(sub.tag for sub in subtypes):
            return self.value(value, spec.subtypes, label)
        for sub in subtypes:
            if sub.tag == value.get("type"):
                return self._object(value, sub)
        raise bad_request(f'can\'t parse {label}: unsupported type "{value.get("type")}"')


def _type_label(types) -> str:
    names = {"Integer": "Integer", "String": "String", "Boolean": "Boolean", "Float": "Float"}
    labels = [names.get(t, "Array" if t.startswith("Array of ") else "Object") for t in types]
    return " or ".join(dict.fromkeys(labels))


def _decode_scalar(name: str, value: Any, types: tuple[str, ...]) -> Any:
    for type_name in types:
        decoded = _scalar(value, type_name)
        if decoded is not None:
            return decoded
    raise bad_request(f'parameter "{name}" must be of type {_type_label(types)}')


def _scalar(value: Any, type_name: str) -> Any:
    """Decode one scalar the way a form string or JSON value reaches the Bot API; None if it can't."""
    if type_name == "Integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value.strip())
        return None
    if type_name == "Float":
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(value) if isinstance(value, str) else None
        except ValueError:
            return None
    if type_name == "Boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return {"true": True, "1": True, "false": False, "0": False}.get(text)
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _nested_scalar_or_none(value: Any, type_name: str) -> Any:
    """Inside JSON objects types are stricter: booleans must be JSON booleans, texts strings."""
    if type_name == "Boolean":
        return value if isinstance(value, bool) else None
    if type_name in ("String", INPUT_FILE):
        return value if isinstance(value, str) else None
    if type_name in ("Integer", "Float"):
        return _scalar(value, type_name)
    return None


def _nested_scalar(value: Any, type_name: str, context: str) -> Any:
    decoded = _nested_scalar_or_none(value, type_name)
    if decoded is None:
        raise bad_request(f'field "{context}" must be of type {type_name}')
    return decoded


def _decode_file(spec: FieldSpec, value: Any, uploads: dict[str, Upload]) -> Any:
    """An InputFile parameter: an uploaded part, "attach://<part>", a file_id or an HTTP URL."""
    if isinstance(value, Upload):
        return value
    if not isinstance(value, str):
        raise bad_request(f'parameter "{spec.name}" must be of type {_type_label(spec.types)}')
    if value.startswith("attach://"):
        part = uploads.get(value[len("attach://"):])
        if part is None:
            raise bad_request(f"can't find attached file \"{value[len('attach://'):]}\"")
        return part
    if "String" not in spec.types:
        raise bad_request(f'parameter "{spec.name}" must be an uploaded file')
    return value


@functools.lru_cache(maxsize=4)
def load_spec(path: str | None = None) -> Spec:
    """Parse the specification once per process (about 1 MB of JSON)."""
    source = Path(path) if path else DEFAULT_SPEC_PATH
    with source.open(encoding="utf-8") as handle:
        return Spec(json.load(handle))
