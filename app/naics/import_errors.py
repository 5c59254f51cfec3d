"""The one error type every NAICS import reader raises.

The CLI prints it as ``file:line: column 'x': reason`` so a user can jump
straight to the offending cell in an editor; hence the structured fields
instead of a free-form message.
"""

from __future__ import annotations

from os import PathLike


class ImportFileError(ValueError):
    """A problem in an import file, located as precisely as the format allows."""

    def __init__(
        self,
        file: str | PathLike[str],
        line: int | None,
        column: str | None,
        reason: str,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is not None:
            return f"{where}: column '{self.column}': {self.reason}"
        return f"{where}: {self.reason}"

    def __reduce__(self) -> tuple[type[ImportFileError], tuple[str, int | None, str | None, str]]:
        # Exceptions with a custom __init__ signature do not pickle by default;
        # the CLI may run imports in a worker process.
        return (type(self), (self.file, self.line, self.column, self.reason))
