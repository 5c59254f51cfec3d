"""Initial schema: the seed's three tables, roles, the search outbox and its triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:11:08.222327
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Hand-written, because autogenerate does not see functions and triggers.
#
# * updated_at is set by the database on every UPDATE with clock_timestamp(), taken after the
#   row lock, so it strictly increases per row: the indexer uses it as the external version of
#   the search document, and a stale delivery can never overwrite a newer document.
# * The outbox rows are written by triggers in the same transaction as the change, so every
#   write path (API, CLI import, raw SQL) reaches the index. NOTIFY wakes the indexer at once.
# * experiences.naics_code: '123456' means "not classified yet"; any other value must exist in
#   naics_codes. A foreign key cannot exempt one value, so constraint triggers enforce it; the
#   catalogue side is deferred so that an import may delete and re-insert codes in one transaction.
TRIGGERS = [
    """
    CREATE FUNCTION levelith_micros(ts timestamp) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT (extract(epoch FROM ts) * 1000000)::bigint $$
    """,
    """
    CREATE FUNCTION levelith_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.updated_at := timezone('utc', clock_timestamp());
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER users_touch BEFORE UPDATE ON users "
    "FOR EACH ROW EXECUTE FUNCTION levelith_touch_updated_at()",
    "CREATE TRIGGER experiences_touch BEFORE UPDATE ON experiences "
    "FOR EACH ROW EXECUTE FUNCTION levelith_touch_updated_at()",
    "CREATE TRIGGER naics_codes_touch BEFORE UPDATE ON naics_codes "
    "FOR EACH ROW EXECUTE FUNCTION levelith_touch_updated_at()",
    """
    CREATE FUNCTION levelith_outbox_experience() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_outbox (entity, entity_id, version)
        VALUES ('experience', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
                levelith_micros(timezone('utc', clock_timestamp())::timestamp));
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER experiences_outbox AFTER INSERT OR UPDATE OR DELETE ON experiences "
    "FOR EACH ROW EXECUTE FUNCTION levelith_outbox_experience()",
    """
    CREATE FUNCTION levelith_outbox_user() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- One row stands for all of the user's experience documents.
        INSERT INTO search_outbox (entity, entity_id, version)
        VALUES ('user', NEW.id, levelith_micros(NEW.updated_at));
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER users_outbox AFTER UPDATE ON users FOR EACH ROW "
    "WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.is_active IS DISTINCT FROM NEW.is_active) "
    "EXECUTE FUNCTION levelith_outbox_user()",
    """
    CREATE FUNCTION levelith_outbox_naics() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        now_micros bigint := levelith_micros(timezone('utc', clock_timestamp())::timestamp);
    BEGIN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO search_outbox (entity, entity_id, version) VALUES ('naics', OLD.code, now_micros);
            RETURN NULL;
        END IF;
        INSERT INTO search_outbox (entity, entity_id, version) VALUES ('naics', NEW.code, now_micros);
        IF TG_OP = 'UPDATE' AND (OLD.title, OLD.sector, OLD.category, OLD.is_active)
                IS DISTINCT FROM (NEW.title, NEW.sector, NEW.category, NEW.is_active) THEN
            -- Experience documents carry the code's title, sector and category.
            INSERT INTO search_outbox (entity, entity_id, version)
            SELECT 'experience', e.id, now_micros FROM experiences e WHERE e.naics_code = NEW.code;
            IF NEW.level = 2 AND OLD.title IS DISTINCT FROM NEW.title THEN
                -- Every document in the sector carries the sector's title.
                INSERT INTO search_outbox (entity, entity_id, version)
                SELECT 'naics', n.code, now_micros FROM naics_codes n
                WHERE n.sector = NEW.code AND n.code <> NEW.code;
                INSERT INTO search_outbox (entity, entity_id, version)
                SELECT 'experience', e.id, now_micros FROM experiences e
                JOIN naics_codes n ON n.code = e.naics_code WHERE n.sector = NEW.code;
            END IF;
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER naics_codes_outbox AFTER INSERT OR UPDATE OR DELETE ON naics_codes "
    "FOR EACH ROW EXECUTE FUNCTION levelith_outbox_naics()",
    """
    CREATE FUNCTION levelith_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('levelith_search_outbox', '');
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_outbox_notify AFTER INSERT ON search_outbox "
    "FOR EACH STATEMENT EXECUTE FUNCTION levelith_outbox_notify()",
    """
    CREATE FUNCTION levelith_check_experience_naics() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.naics_code <> '123456' THEN
            -- KEY SHARE holds the code against a concurrent delete, as a foreign key would.
            PERFORM 1 FROM naics_codes WHERE code = NEW.naics_code FOR KEY SHARE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'naics_code % does not exist', NEW.naics_code
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'experiences_naics_code_exists';
            END IF;
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE CONSTRAINT TRIGGER experiences_naics_code_exists AFTER INSERT OR UPDATE OF naics_code "
    "ON experiences FOR EACH ROW EXECUTE FUNCTION levelith_check_experience_naics()",
    """
    CREATE FUNCTION levelith_check_naics_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM naics_codes WHERE code = OLD.code)
           AND EXISTS (SELECT 1 FROM experiences WHERE naics_code = OLD.code) THEN
            RAISE EXCEPTION 'naics code % is still used by experiences', OLD.code
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'naics_codes_still_referenced';
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE CONSTRAINT TRIGGER naics_codes_still_referenced AFTER DELETE OR UPDATE OF code "
    "ON naics_codes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION levelith_check_naics_unreferenced()",
]

DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS naics_codes_still_referenced ON naics_codes",
    "DROP TRIGGER IF EXISTS experiences_naics_code_exists ON experiences",
    "DROP TRIGGER IF EXISTS search_outbox_notify ON search_outbox",
    "DROP TRIGGER IF EXISTS naics_codes_outbox ON naics_codes",
    "DROP TRIGGER IF EXISTS users_outbox ON users",
    "DROP TRIGGER IF EXISTS experiences_outbox ON experiences",
    "DROP TRIGGER IF EXISTS naics_codes_touch ON naics_codes",
    "DROP TRIGGER IF EXISTS experiences_touch ON experiences",
    "DROP TRIGGER IF EXISTS users_touch ON users",
    "DROP FUNCTION IF EXISTS levelith_check_naics_unreferenced()",
    "DROP FUNCTION IF EXISTS levelith_check_experience_naics()",
    "DROP FUNCTION IF EXISTS levelith_outbox_notify()",
    "DROP FUNCTION IF EXISTS levelith_outbox_naics()",
    "DROP FUNCTION IF EXISTS levelith_outbox_user()",
    "DROP FUNCTION IF EXISTS levelith_outbox_experience()",
    "DROP FUNCTION IF EXISTS levelith_touch_updated_at()",
    "DROP FUNCTION IF EXISTS levelith_micros(timestamp)",
]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "naics_codes",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.Column("sector", sa.String(length=2), nullable=True),
        sa.Column("subsector", sa.String(length=3), nullable=True),
        sa.Column("industry_group", sa.String(length=4), nullable=True),
        sa.Column("industry_detail", sa.String(length=6), nullable=True),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("sba_size_standard", sa.String(length=255), nullable=True),
        sa.Column("sba_source", sa.String(length=255), nullable=True),
        sa.Column(
            "keywords",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "aliases",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("examples", sa.Text(), nullable=True),
        sa.Column(
            "cross_references",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "tags",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("custom_category", sa.String(length=100), nullable=True),
        sa.Column("admin_notes", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("year", sa.Integer(), server_default=sa.text("2022"), nullable=False),
        sa.Column("data_source", sa.String(length=255), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_naics_codes")),
    )
    op.create_index(
        "ix_naics_codes_aliases_gin", "naics_codes", ["aliases"], unique=False, postgresql_using="gin"
    )
    op.create_index(op.f("ix_naics_codes_category"), "naics_codes", ["category"], unique=False)
    op.create_index(op.f("ix_naics_codes_industry_group"), "naics_codes", ["industry_group"], unique=False)
    op.create_index(
        "ix_naics_codes_keywords_gin", "naics_codes", ["keywords"], unique=False, postgresql_using="gin"
    )
    op.create_index(op.f("ix_naics_codes_level"), "naics_codes", ["level"], unique=False)
    op.create_index(op.f("ix_naics_codes_parent_code"), "naics_codes", ["parent_code"], unique=False)
    op.create_index(op.f("ix_naics_codes_sector"), "naics_codes", ["sector"], unique=False)
    op.create_index(op.f("ix_naics_codes_subsector"), "naics_codes", ["subsector"], unique=False)
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("timezone('utc', clock_timestamp())"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    op.create_index("ix_search_outbox_entity", "search_outbox", ["entity", "entity_id"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_verified", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "profile_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.Column("last_login", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)
    op.create_index(op.f("ix_users_username"), "users", ["username"], unique=True)
    op.create_table(
        "experiences",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("naics_code", sa.String(length=6), server_default=sa.text("'123456'"), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("experience_type", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.DateTime(), nullable=True),
        sa.Column("end_date", sa.DateTime(), nullable=True),
        sa.Column("is_current", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("organization", sa.String(length=255), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column(
            "type_specific_data",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "tags",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "experience_metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.CheckConstraint(
            "(category = 'education' AND experience_type IN ('certificate', 'degree', 'course')) OR (category = 'workplace' AND experience_type IN ('gig', 'part_time', 'full_time')) OR (category = 'skills' AND experience_type IN ('soft_skill', 'hard_skill', 'native_skill'))",
            name=op.f("ck_experiences_category_matches_type"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_experiences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiences")),
    )
    op.create_index(op.f("ix_experiences_category"), "experiences", ["category"], unique=False)
    op.create_index(op.f("ix_experiences_experience_type"), "experiences", ["experience_type"], unique=False)
    op.create_index(op.f("ix_experiences_naics_code"), "experiences", ["naics_code"], unique=False)
    op.create_index(op.f("ix_experiences_user_id"), "experiences", ["user_id"], unique=False)
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("timezone('utc', now())"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    # ### end Alembic commands ###
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_TRIGGERS:
        op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table("user_roles")
    op.drop_index(op.f("ix_experiences_user_id"), table_name="experiences")
    op.drop_index(op.f("ix_experiences_naics_code"), table_name="experiences")
    op.drop_index(op.f("ix_experiences_experience_type"), table_name="experiences")
    op.drop_index(op.f("ix_experiences_category"), table_name="experiences")
    op.drop_table("experiences")
    op.drop_index(op.f("ix_users_username"), table_name="users")
    op.drop_index(op.f("ix_users_email"), table_name="users")
    op.drop_table("users")
    op.drop_index("ix_search_outbox_entity", table_name="search_outbox")
    op.drop_table("search_outbox")
    op.drop_index(op.f("ix_naics_codes_subsector"), table_name="naics_codes")
    op.drop_index(op.f("ix_naics_codes_sector"), table_name="naics_codes")
    op.drop_index(op.f("ix_naics_codes_parent_code"), table_name="naics_codes")
    op.drop_index(op.f("ix_naics_codes_level"), table_name="naics_codes")
    op.drop_index("ix_naics_codes_keywords_gin", table_name="naics_codes", postgresql_using="gin")
    op.drop_index(op.f("ix_naics_codes_industry_group"), table_name="naics_codes")
    op.drop_index(op.f("ix_naics_codes_category"), table_name="naics_codes")
    op.drop_index("ix_naics_codes_aliases_gin", table_name="naics_codes", postgresql_using="gin")
    op.drop_table("naics_codes")
    # ### end Alembic commands ###
