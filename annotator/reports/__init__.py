"""Read-only numbers about a project: stats, check, dashboard series, search."""
