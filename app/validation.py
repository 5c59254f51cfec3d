"""Input errors that name the field at fault, independent of HTTP.

Services raise `FieldError`; the routes turn it into a 422 whose body names the field,
so a client can put the message next to the right input.
"""

from __future__ import annotations

import re

import msgspec

_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_NAMED = re.compile(r"(?:unknown|missing required) field `(?P<name>[^`]+)`")


class FieldError(ValueError):
    """One field's value is not acceptable. `field` is a dotted path ("type_specific_data.gpa")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def under(self, prefix: str) -> FieldError:
        """The same error seen from an enclosing object."""
        return FieldError(f"{prefix}.{self.field}" if self.field else prefix, self.message)


class ConflictError(Exception):
    """A unique value is already taken; `field` names which one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def join_path(prefix: str, path: str) -> str:
    """Join "a" and ".b" / "[2]" / "b" into "a.b" / "a[2]" / "a.b"."""
    path = path.lstrip(".")
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def field_error_from_msgspec(exc: msgspec.ValidationError, prefix: str = "") -> FieldError:
    """Map msgspec's "... - at `$.a.b`" message to a FieldError on "prefix.a.b".

    Unknown and missing fields are reported by msgspec on the enclosing object; the field
    itself is the more useful name, so it is appended.
    """
    text = str(exc)
    path = ""
    match = _PATH.search(text)
    if match:
        path = match.group("path")
        text = text[: match.start()]
    named = _NAMED.search(text)
    if named:
        path = f"{path}.{named.group('name')}"
    return FieldError(join_path(prefix, path), text)


# Links are shown and exported (JSON Resume renderers put them in href): only schemes that
# cannot run script. Whole-string match (\Z, not $, which also matches before a final newline).
SAFE_URL_PATTERN = r"^(?:https?://|mailto:)\S+\Z"
SAFE_URL_RULE = "must be an http://, https:// or mailto: URL without spaces"
_SAFE_URL = re.compile(SAFE_URL_PATTERN)
# A required text field must say something: at least one character that is not white space.
NOT_BLANK_PATTERN = r"\S"


def check_url(field: str, value: object) -> None:
    """FieldError unless `value` (when a string) is a link of a safe scheme."""
    if isinstance(value, str) and not _SAFE_URL.match(value):
        raise FieldError(field, SAFE_URL_RULE)
