"""Who may write what in a server project, enforced by PostgreSQL itself.

Each person connects as their own login role. Three group roles per project database
(``<db>_annotators``, ``<db>_reviewers``, ``<db>_leads``) carry the table privileges, and
row-level security narrows them:

- everyone in a group reads everything;
- an annotator writes only their own layer (spans, relations, assignments of the annotator
  row named like their role), may add that annotator row and registry entries;
- the event log is append-only for every group: an annotator or reviewer adds rows only in
  their own name (``actor`` = their role), a lead in anyone's (a merged work file is logged
  in its owner's name); nobody but the owner updates or deletes a row;
- suggestions are the lead's (pre-annotation inserts and deletes them); an annotator or
  reviewer changes only their ``state`` (accept, reject, undo), never their offsets, label
  or score, and only to a state the program knows;
- a reviewer writes their own layer and gold;
- a lead writes every layer, the documents, assignments and the scheme.

The table owner (whoever ran ``annotator init``) is not bound by the policies. The policy
functions name every table with its schema and fix their search path, so a temporary table
of the same name cannot stand in for ``annotator``; creating temporary tables is revoked too.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from storage.db import Database
from storage.postgres import database_name

KINDS = ("annotator", "reviewer", "lead")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Tables each group may change (on top of reading every table).
_ANNOTATOR_WRITES = {
    "span": "INSERT, UPDATE, DELETE",
    "relation": "INSERT, UPDATE, DELETE",
    "assignment": "INSERT, UPDATE",
    "annotator": "INSERT",
    "event_log": "INSERT",
    "suggestion": "UPDATE (state)",
    "suggestion_relation": "UPDATE (state)",
    "entity": "INSERT, UPDATE",
    "entity_alias": "INSERT, UPDATE, DELETE",
}
_APPEND_ONLY = ("event_log",)  # not even a lead updates or deletes a row
_STATES = "('pending', 'accepted', 'rejected')"  # storage.vocabulary.SuggestionState


class RoleError(ValueError):
    """A role name that PostgreSQL (or our policies) cannot use."""


def check_role_name(name: str) -> str:
    if not _ROLE.match(name):
        raise RoleError(
            f"'{name}' cannot be a role name: use lower-case letters, digits and '_' "
            "(at most 63, not starting with a digit)"
        )
    return name


def group_role(database: str, kind: str) -> str:
    """The group role of ``kind`` in ``database`` (its name made a plain identifier)."""
    base = re.sub(r"[^a-z0-9_]", "_", database.lower()).lstrip("0123456789") or "project"
    return check_role_name(f"{base[:50]}_{kind}s")


def _ident(name: str) -> str:
    """Any identifier (a database name), double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def _q(name: str) -> str:
    return '"' + check_role_name(name) + '"'


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


def _ensure_role(conn: Connection, name: str, login: bool) -> bool:
    """Create the role when missing; return whether it was created."""
    if _role_exists(conn, name):
        return False
    conn.exec_driver_sql(f"CREATE ROLE {_q(name)} {'LOGIN' if login else 'NOLOGIN'}")
    return True


def _functions(conn: Connection, leads: str, reviewers: str) -> None:
    conn.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION public.na_is_lead() RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT pg_catalog.pg_has_role(current_user, '{leads}', 'MEMBER')
        $$;
        CREATE OR REPLACE FUNCTION public.na_may_write_layer(aid integer) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT public.na_is_lead() OR EXISTS (
                SELECT 1 FROM public.annotator a
                WHERE a.id = aid AND (
                    a.name = current_user::text
                    OR (a.name = 'gold'
                        AND pg_catalog.pg_has_role(current_user, '{reviewers}', 'MEMBER'))))
        $$;
        CREATE OR REPLACE FUNCTION public.na_may_write_span(sid integer) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM public.span s
                           WHERE s.id = sid AND public.na_may_write_layer(s.annotator_id))
        $$;
        """
    )


# Per table: (which rows may be updated or deleted, what a new or changed row must satisfy);
# None for no policy at all (no row may be updated or deleted, on top of the revoked right).
_RULES: dict[str, tuple[str | None, str]] = {
    "span": ("public.na_may_write_layer(annotator_id)",) * 2,
    "relation": ("public.na_may_write_span(head_id)",) * 2,
    "assignment": ("public.na_may_write_layer(annotator_id)",) * 2,
    "annotator": ("public.na_is_lead()", "public.na_is_lead() OR name = current_user::text"),
    "event_log": (None, "public.na_is_lead() OR actor = current_user::text"),
    "suggestion": ("true", f"public.na_is_lead() OR state IN {_STATES}"),
    "suggestion_relation": ("true", f"public.na_is_lead() OR state IN {_STATES}"),
}


def _policies(conn: Connection) -> None:
    for table, (using, check) in _RULES.items():
        conn.exec_driver_sql(f'ALTER TABLE public."{table}" ENABLE ROW LEVEL SECURITY')
        for name in ("na_read", "na_insert", "na_update", "na_delete"):
            conn.exec_driver_sql(f'DROP POLICY IF EXISTS {name} ON public."{table}"')
        conn.exec_driver_sql(f'CREATE POLICY na_read ON public."{table}" FOR SELECT USING (true)')
        conn.exec_driver_sql(
            f'CREATE POLICY na_insert ON public."{table}" FOR INSERT WITH CHECK ({check})'
        )
        if using is None:
            continue
        conn.exec_driver_sql(
            f'CREATE POLICY na_update ON public."{table}" FOR UPDATE '
            f"USING ({using}) WITH CHECK ({check})"
        )
        conn.exec_driver_sql(
            f'CREATE POLICY na_delete ON public."{table}" FOR DELETE USING ({using})'
        )


def install_access_control(conn: Connection, database: str) -> dict[str, str]:
    """Create the project's group roles, their privileges, the policy functions and the
    row-level security policies (idempotent); return kind -> group role."""
    groups = {kind: group_role(database, kind) for kind in KINDS}
    for name in groups.values():
        _ensure_role(conn, name, login=False)
    everyone = ", ".join(_q(g) for g in groups.values())
    workers = ", ".join(_q(groups[k]) for k in ("annotator", "reviewer"))
    conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_ident(database)} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {everyone}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
    # from scratch each time (a project granted by an older version had wider rights); a
    # table's REVOKE takes its columns' rights with it
    conn.exec_driver_sql(
        f"REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM {everyone}"
    )
    for table, rights in _ANNOTATOR_WRITES.items():
        conn.exec_driver_sql(f'GRANT {rights} ON public."{table}" TO {workers}')
    conn.exec_driver_sql(
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {_q(groups['lead'])}"
    )
    for table in _APPEND_ONLY:
        conn.exec_driver_sql(f'REVOKE UPDATE, DELETE ON public."{table}" FROM {everyone}')
    conn.exec_driver_sql(f"REVOKE ALL ON public.alembic_version FROM {everyone}")
    conn.exec_driver_sql(f"GRANT SELECT ON public.alembic_version TO {everyone}")
    _functions(conn, groups["lead"], groups["reviewer"])
    _policies(conn)
    return groups


def grant(db: Database, role: str, kind: str) -> tuple[str, bool]:
    """Give login role ``role`` (created when missing, without a password: set one with
    ``ALTER ROLE``/``\\password``) the rights of ``kind`` in this project. Return the group
    role and whether the login role was created."""
    if kind not in KINDS:
        raise RoleError(f"unknown kind '{kind}' (choose from {', '.join(KINDS)})")
    check_role_name(role)
    database = database_name(db.url)
    with db.engine.begin() as conn:
        groups = install_access_control(conn, database)
        created = _ensure_role(conn, role, login=True)
        conn.exec_driver_sql(f"GRANT {_q(groups[kind])} TO {_q(role)}")
    return groups[kind], created
