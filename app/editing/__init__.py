"""Editing: undo commands, link mode, the state of the open document."""
