"""Settings come from environment variables, each parsed by its setting's type."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from app.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_env_example_lists_exactly_the_variables_settings_reads() -> None:
    read = {f.metadata["env"] for f in fields(Settings)}
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    assert read == listed


def test_variables_are_parsed_by_type_and_empty_means_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEVELITH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    monkeypatch.setenv("SEARCH_HEDGE_FLOOR_MS", "12.5")
    monkeypatch.setenv("RUN_INDEXER", "off")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,")
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("MAIL_FROM", "")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = Settings.from_env()
    assert settings.data_dir == tmp_path
    assert settings.db_pool_size == 7
    assert settings.search_hedge_floor_ms == 12.5
    assert settings.run_indexer is False
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.database_url is None
    assert settings.mail_from == Settings().mail_from
    # Without SECRET_KEY, a per-installation secret is kept in the data folder.
    assert settings.secret_key == (tmp_path / "secret_key").read_text().strip()
    assert Settings.from_env().secret_key == settings.secret_key


def test_a_malformed_number_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEVELITH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DB_POOL_SIZE", "five")
    with pytest.raises(ValueError, match="DB_POOL_SIZE='five'"):
        Settings.from_env()
