"""Where the files the service reads at run time are, in a checkout and in an installed wheel.

setup.py installs the repository's `opensearch/` and `migrations/` folders as the packages
`levelith.opensearch` and `levelith.migrations` (an editable install maps the same names onto
the checkout), so importlib.resources finds them whichever way the service was installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

INDEX_DEFINITIONS_PACKAGE = "levelith.opensearch"
MIGRATIONS_PACKAGE = "levelith.migrations"


def index_definitions() -> Traversable:
    """The folder holding `<kind>.json` for every search index."""
    return files(INDEX_DEFINITIONS_PACKAGE)


@contextlib.contextmanager
def migrations_folder() -> Iterator[Path]:
    """Alembic's script folder (it holds alembic.ini too) as a real path, which Alembic needs."""
    with as_file(files(MIGRATIONS_PACKAGE)) as path:
        yield Path(path)
