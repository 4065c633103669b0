"""Team workflow: assignments, offline work files (package/merge), adjudication into gold."""
