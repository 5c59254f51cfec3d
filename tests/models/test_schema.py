"""The schema as the seed document gives it, and the rules the database itself enforces."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.experiences.types import CATEGORY_OF_TYPE, ExperienceType
from app.models import Experience, NaicsCode, User
from app.models.experience import EXPERIENCE_CLASSES
from tests.support.seed_schema import SEED_COLUMNS

SEED_INDEXES = {
    "users": [("username",), ("email",)],
    "experiences": [("user_id",), ("category",), ("experience_type",), ("naics_code",)],
    "naics_codes": [
        ("level",),
        ("sector",),
        ("subsector",),
        ("category",),
        ("parent_code",),
        ("industry_group",),
        ("keywords",),
        ("aliases",),
        ("naics_2017_codes",),
        ("sic_codes",),
    ],
}


async def columns_of(session: AsyncSession, table: str) -> list[tuple[str, str, bool, str | None]]:
    rows = await session.execute(
        text(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """
        ),
        {"table": table},
    )
    return [tuple(row) for row in rows]


def _default_matches(actual: str | None, expected: str | None) -> bool:
    if expected == "now":
        return actual is not None and "now()" in actual
    return actual == expected


@pytest.mark.parametrize("table", sorted(SEED_COLUMNS))
async def test_columns_match_the_seed_one_for_one(db_session: AsyncSession, table: str) -> None:
    actual = await columns_of(db_session, table)
    expected = SEED_COLUMNS[table]
    assert [c[0] for c in actual] == [c[0] for c in expected]
    for (name, type_, nullable, default), (_, e_type, e_nullable, e_default) in zip(
        actual, expected, strict=True
    ):
        assert (name, type_, nullable) == (name, e_type, e_nullable)
        assert _default_matches(default, e_default), (name, default, e_default)


@pytest.mark.parametrize("table", sorted(SEED_INDEXES))
async def test_seed_indexes_exist(db_session: AsyncSession, table: str) -> None:
    rows = await db_session.execute(
        text("SELECT indexdef FROM pg_indexes WHERE tablename = :table"), {"table": table}
    )
    definitions = [row[0] for row in rows]
    for (column,) in SEED_INDEXES[table]:
        assert any(f"({column})" in d for d in definitions), f"no index on {table}.{column}"
    if table == "naics_codes":
        assert sum("USING gin" in d for d in definitions) >= 4
    if table == "users":
        assert sum("UNIQUE" in d for d in definitions) >= 2


async def _user(session: AsyncSession, name: str = "ada") -> User:
    user = User(username=name, email=f"{name}@example.com", password_hash="x")
    session.add(user)
    await session.flush()
    return user


@pytest.fixture(autouse=True)
async def _empty_catalogue(db_session: AsyncSession) -> None:
    # Test databases start with the built-in catalogue; these tests write their own rows.
    await db_session.execute(text("DELETE FROM naics_codes"))
    await db_session.execute(text("DELETE FROM search_outbox"))
    await db_session.commit()


async def _naics(session: AsyncSession, code: str = "541511") -> NaicsCode:
    row = NaicsCode(code=code, title="Custom Computer Programming Services", level=6, category="technology")
    session.add(row)
    await session.flush()
    return row


async def test_new_user_gets_seed_defaults(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    await db_session.commit()
    await db_session.refresh(user)
    assert len(user.id) == 32
    assert user.is_active is True and user.is_verified is False
    assert user.profile_data == {} and user.last_login is None
    assert user.created_at is not None and user.updated_at is not None


async def test_username_and_email_are_unique(db_session: AsyncSession) -> None:
    await _user(db_session, "ada")
    db_session.add(User(username="ada", email="other@example.com", password_hash="x"))
    with pytest.raises(IntegrityError):
        await db_session.flush()


async def test_deleting_a_user_deletes_their_experiences(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    db_session.add(EXPERIENCE_CLASSES[ExperienceType.DEGREE](user_id=user.id, title="BSc"))
    await db_session.commit()
    await db_session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    await db_session.commit()
    remaining = await db_session.scalar(text("SELECT count(*) FROM experiences"))
    assert remaining == 0


async def test_database_refuses_a_category_that_does_not_match_the_type(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    with pytest.raises(IntegrityError, match="category_matches_type"):
        await db_session.execute(
            text(
                "INSERT INTO experiences (id, user_id, title, category, experience_type) "
                "VALUES ('e1', :user, 'Gig', 'education', 'gig')"
            ),
            {"user": user.id},
        )


@pytest.mark.parametrize("experience_type", list(ExperienceType))
async def test_polymorphic_loading_returns_the_subclass(
    db_session: AsyncSession, experience_type: ExperienceType
) -> None:
    user = await _user(db_session)
    cls = EXPERIENCE_CLASSES[experience_type]
    created = cls(user_id=user.id, title=f"A {experience_type}")
    db_session.add(created)
    await db_session.commit()
    db_session.expunge_all()
    loaded = (await db_session.execute(select(Experience).where(Experience.id == created.id))).scalar_one()
    assert type(loaded) is cls
    assert loaded.category == CATEGORY_OF_TYPE[experience_type].value


async def test_unclassified_is_the_default_and_other_codes_must_exist(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    unclassified = EXPERIENCE_CLASSES[ExperienceType.GIG](user_id=user.id, title="Logo design")
    db_session.add(unclassified)
    await db_session.commit()
    assert unclassified.naics_code == "123456"

    await _naics(db_session, "541511")
    db_session.add(EXPERIENCE_CLASSES[ExperienceType.GIG](user_id=user.id, title="App", naics_code="541511"))
    await db_session.commit()

    db_session.add(EXPERIENCE_CLASSES[ExperienceType.GIG](user_id=user.id, title="Bad", naics_code="999999"))
    with pytest.raises(IntegrityError, match="does not exist"):
        await db_session.commit()


async def test_a_code_in_use_cannot_be_deleted(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    await _naics(db_session, "541511")
    db_session.add(EXPERIENCE_CLASSES[ExperienceType.GIG](user_id=user.id, title="App", naics_code="541511"))
    await db_session.commit()
    await db_session.execute(text("DELETE FROM naics_codes WHERE code = '541511'"))
    with pytest.raises(IntegrityError, match="still used"):
        await db_session.commit()


async def test_every_change_is_recorded_in_the_outbox_with_increasing_versions(
    db_session: AsyncSession,
) -> None:
    user = await _user(db_session)
    await _naics(db_session, "541511")
    exp = EXPERIENCE_CLASSES[ExperienceType.FULL_TIME](user_id=user.id, title="Engineer", naics_code="541511")
    db_session.add(exp)
    await db_session.commit()
    exp.title = "Senior engineer"
    await db_session.commit()
    user.username = "ada_l"
    await db_session.commit()
    await db_session.delete(exp)
    await db_session.commit()

    rows = (
        await db_session.execute(text("SELECT entity, entity_id, version FROM search_outbox ORDER BY id"))
    ).all()
    assert [(r.entity, r.entity_id) for r in rows] == [
        ("naics", "541511"),
        ("experience", exp.id),
        ("experience", exp.id),
        ("user", user.id),
        ("experience", exp.id),
    ]
    versions = [r.version for r in rows if r.entity == "experience"]
    assert versions == sorted(versions) and len(set(versions)) == 3


async def test_updated_at_moves_forward_on_every_update(db_session: AsyncSession) -> None:
    user = await _user(db_session)
    await db_session.commit()
    await db_session.refresh(user)
    before = user.updated_at
    user.profile_data = {"bio": "hello"}
    await db_session.commit()
    await db_session.refresh(user)
    assert user.updated_at > before
