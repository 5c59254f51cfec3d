"""Keyword tools: dry run by default, exact changes printed, consistency report."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import NaicsCode
from app.naics.aliases import PREDEFINED_ALIASES
from app.naics.codes import canonical_code
from app.naics.keywords import title_keywords
from app.services.naics_keywords import (
    add_alias,
    add_aliases,
    add_predefined_aliases,
    populate_keywords,
    validate_catalogue,
)


async def field_of(session: AsyncSession, code: str, name: str) -> list[str]:
    session.expire_all()
    row = await session.scalar(select(NaicsCode).where(NaicsCode.code == code))
    assert row is not None
    return getattr(row, name)


def test_title_keywords_drop_boilerplate_and_exclusions() -> None:
    assert title_keywords("Offices of Physicians (except Mental Health Specialists)") == ["physicians"]
    assert title_keywords("All Other Miscellaneous Wood Product Manufacturing") == [
        "wood", "product", "manufacturing",
    ]  # fmt: skip


def test_the_alias_table_is_large_and_names_real_codes() -> None:
    assert sum(len(a) for a in PREDEFINED_ALIASES.values()) >= 40
    for code in PREDEFINED_ALIASES:
        assert canonical_code(code) == code
    assert "SaaS" in PREDEFINED_ALIASES["513210"] and "Dentist" in PREDEFINED_ALIASES["621210"]


async def test_populate_is_a_dry_run_until_committed(db_session: AsyncSession) -> None:
    await db_session.execute(
        text("UPDATE naics_codes SET keywords = '[\"Programming\", \"apps\"]' WHERE code = '541511'")
    )
    await db_session.commit()

    plan = await populate_keywords(db_session)
    change = next(c for c in plan.changes if c.code == "541511")
    assert change.added == ["custom", "computer"]  # "programming" is there already, in another case
    assert not plan.committed
    assert await field_of(db_session, "541511", "keywords") == ["Programming", "apps"]

    done = await populate_keywords(db_session, commit=True)
    assert done.committed and len(done.changes) == len(plan.changes) > 1000
    assert await field_of(db_session, "541511", "keywords") == ["Programming", "apps", "custom", "computer"]
    assert (await populate_keywords(db_session)).changes == []


async def test_predefined_aliases_are_merged(db_session: AsyncSession) -> None:
    await db_session.execute(text("UPDATE naics_codes SET aliases = '[\"saas\"]' WHERE code = '513210'"))
    await db_session.commit()
    plan = await add_predefined_aliases(db_session, commit=True)
    assert plan.committed and plan.missing_codes == []
    aliases = await field_of(db_session, "513210", "aliases")
    assert aliases[0] == "saas" and "SaaS" not in aliases and "Software Company" in aliases
    assert "Dentist" in await field_of(db_session, "621210", "aliases")


async def test_an_upgrade_takes_retired_aliases_off(db_session: AsyncSession) -> None:
    # A database an older release seeded: "Tutoring" and "Musician" where that release put
    # them, beside an alias an admin added by hand.
    await db_session.execute(
        text("""UPDATE naics_codes SET aliases = '["tutoring", "Education Consulting", "Homework Help"]'
                WHERE code = '611710'""")
    )
    await db_session.execute(
        text("""UPDATE naics_codes SET aliases = '["Freelance Writer", "Musician"]' WHERE code = '711510'""")
    )
    await db_session.execute(text("UPDATE naics_codes SET aliases = '[]' WHERE code = '711130'"))
    await db_session.commit()

    plan = await add_predefined_aliases(db_session)
    changed = {c.code: (c.added, c.removed) for c in plan.changes}
    assert changed["611710"] == ([], ("tutoring",)) and changed["711130"] == (["Musician"], ())
    assert "Musician" in await field_of(db_session, "711510", "aliases")  # a dry run

    assert (await add_predefined_aliases(db_session, commit=True)).committed
    assert await field_of(db_session, "611710", "aliases") == ["Education Consulting", "Homework Help"]
    assert "Musician" not in await field_of(db_session, "711510", "aliases")
    assert await field_of(db_session, "711130", "aliases") == ["Musician"]
    assert (await add_predefined_aliases(db_session)).changes == []


def test_the_alias_command_prints_what_it_takes_off(settings: Settings) -> None:
    from click.testing import CliRunner

    from indexer.main import cli

    env = {"DATABASE_URL": settings.database_url, "LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    # An older release's alias, put back as an admin would.
    put = ["naics", "keywords", "add-alias", "--code", "611710", "--alias", "Tutoring", "--commit"]
    assert runner.invoke(cli, put, env=env).exit_code == 0

    dry = runner.invoke(cli, ["naics", "keywords", "aliases"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "611710: - aliases: Tutoring" in dry.output and "dry run: 1 code(s) would change" in dry.output
    done = runner.invoke(cli, ["naics", "keywords", "aliases", "--commit"], env=env)
    assert "611710: - aliases: Tutoring" in done.output and "updated 1 code(s)" in done.output
    again = runner.invoke(cli, ["naics", "keywords", "aliases"], env=env)
    assert "dry run: 0 code(s) would change" in again.output


async def test_a_retired_alias_the_table_still_lists_stays(db_session: AsyncSession) -> None:
    await db_session.execute(
        text("""UPDATE naics_codes SET aliases = '["Tutoring"]' WHERE code = '611710'""")
    )
    await db_session.commit()
    plan = await add_aliases(db_session, {"611710": ["Tutoring"]}, retire={"611710": ["tutoring"]})
    assert plan.changes == []
    plan = await add_aliases(db_session, {}, retire={"611710": ["tutoring"], "999999": ["X"]})
    assert [(c.code, c.removed, c.result) for c in plan.changes] == [("611710", ("Tutoring",), [])]
    assert plan.missing_codes == []


async def test_validate_reports_each_kind_of_problem(db_session: AsyncSession) -> None:
    assert await validate_catalogue(db_session) == []
    await db_session.execute(text("DELETE FROM naics_codes WHERE code = '5415'"))
    await db_session.execute(text("UPDATE naics_codes SET sector = '99' WHERE code = '111110'"))
    await db_session.execute(text("UPDATE naics_codes SET title = ' ' WHERE code = '111120'"))
    await db_session.execute(
        text("UPDATE naics_codes SET keywords = '[\"farm\", \"Farm\"]' WHERE code = '111130'")
    )
    await db_session.commit()
    problems = {(i.code, i.problem) for i in await validate_catalogue(db_session)}
    assert ("541511", "parent 5415 is missing") in problems
    assert ("111110", "sector is '99', the code says '11'") in problems
    assert ("111120", "title is empty") in problems
    assert ("111130", "duplicate keywords: Farm") in problems


def test_add_alias_through_the_cli(settings: Settings) -> None:
    from click.testing import CliRunner

    from indexer.main import cli

    assert settings.database_url
    runner = CliRunner()
    env = {"DATABASE_URL": settings.database_url, "LOG_LEVEL": "WARNING"}
    args = ["naics", "keywords", "add-alias", "--code", "541511", "--alias", "Mobile Apps"]

    done = runner.invoke(cli, [*args, "--commit"], env=env)
    assert done.exit_code == 0, done.output
    assert "541511: + aliases: Mobile Apps" in done.output and "updated 1 code(s)" in done.output
    again = runner.invoke(cli, args, env=env)
    assert "dry run: 0 code(s) would change" in again.output

    malformed = runner.invoke(
        cli, ["naics", "keywords", "add-alias", "--code", "54151", "--alias", "X"], env=env
    )
    assert malformed.exit_code != 0 and "--code" in malformed.output


async def test_add_alias_dry_run_changes_nothing(db_session: AsyncSession) -> None:
    # The shipped catalogue comes with the built-in aliases.
    before = await field_of(db_session, "541511", "aliases")
    assert "App Development" in before
    plan = await add_alias(db_session, "541511", "  Mobile   Apps ")
    assert [(c.code, c.added) for c in plan.changes] == [("541511", ["Mobile Apps"])]
    assert await field_of(db_session, "541511", "aliases") == before
