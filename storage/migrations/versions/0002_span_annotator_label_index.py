"""span: index on (annotator_id, label)

``annotator stats`` counts the spans of every layer and label (``GROUP BY annotator_id,
label``); with this index SQLite answers it from the index alone, in order, instead of reading
and sorting every span row. Projects of the previous revision get it when next opened.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 11:50:00.000000
"""

from __future__ import annotations

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_span_annotator_label', 'span', ['annotator_id', 'label'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_span_annotator_label', table_name='span')
