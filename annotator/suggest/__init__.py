"""Suggestions: pipeline loading, the pre-annotation rules (entities, claims, events),
running them over a project, training and evaluation."""
