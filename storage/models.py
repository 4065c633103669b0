"""Typed SQLAlchemy 2 models of one project (one database = one project)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.vocabulary import AnnotatorRole, AssignmentStatus, Origin, SuggestionState


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}
    # Every model here maps one real Table (SQLAlchemy types it as the wider FromClause);
    # saying so lets the bulk-insert helpers and ``.insert()`` type-check.
    __table__: ClassVar[Table]


class ProjectMeta(Base):
    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Annotator(Base):
    __tablename__ = "annotator"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16), default=AnnotatorRole.ANNOTATOR)


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.TODO)
    seconds_spent: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Entity(Base):
    """Actor registry entry."""

    __tablename__ = "entity"
    __table_args__ = (UniqueConstraint("name", "type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(64), default="")
    external_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="EntityAlias.alias"
    )


class EntityAlias(Base):
    __tablename__ = "entity_alias"
    __table_args__ = (UniqueConstraint("entity_id", "alias"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(255))
    entity: Mapped[Entity] = relationship(back_populates="aliases")


class Span(Base):
    __tablename__ = "span"
    __table_args__ = (
        Index("ix_span_doc_annotator", "document_id", "annotator_id"),
        # ``annotator stats`` counts spans per layer and label from this index alone
        Index("ix_span_annotator_label", "annotator_id", "label"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(64))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="SET NULL"), index=True
    )
    origin: Mapped[str] = mapped_column(String(255), default=Origin.MANUAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Relation(Base):
    __tablename__ = "relation"
    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    tail_id: Mapped[int] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(255), default=Origin.MANUAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suggestion(Base):
    """A span proposed by a model; never overwrites human annotations."""

    __tablename__ = "suggestion"
    __table_args__ = (Index("ix_suggestion_doc_state", "document_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(64))
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entity.id", ondelete="SET NULL"))
    model: Mapped[str] = mapped_column(String(255))
    score: Mapped[float] = mapped_column(default=1.0)
    state: Mapped[str] = mapped_column(String(16), default=SuggestionState.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionRelation(Base):
    __tablename__ = "suggestion_relation"
    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int] = mapped_column(
        ForeignKey("suggestion.id", ondelete="CASCADE"), index=True
    )
    tail_id: Mapped[int] = mapped_column(
        ForeignKey("suggestion.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(default=1.0)
    state: Mapped[str] = mapped_column(String(16), default=SuggestionState.PENDING)


class LabelRow(Base):
    __tablename__ = "label"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key: Mapped[str] = mapped_column(String(8), default="")
    color: Mapped[str] = mapped_column(String(16), default="#888888")
    description: Mapped[str] = mapped_column(Text, default="")
    links_entity: Mapped[bool] = mapped_column(default=False)


class AttributeRow(Base):
    __tablename__ = "attribute"
    __table_args__ = (UniqueConstraint("label_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    values: Mapped[list[Any]] = mapped_column(default=list)
    required: Mapped[bool] = mapped_column(default=False)


class RelationTypeRow(Base):
    __tablename__ = "relation_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    heads: Mapped[list[Any]] = mapped_column(default=list)
    tails: Mapped[list[Any]] = mapped_column(default=list)
    required: Mapped[bool] = mapped_column(default=False)
    unless: Mapped[dict[str, Any]] = mapped_column(default=dict)


class EventLog(Base):
    """Append-only audit trail of every change."""

    __tablename__ = "event_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
