"""Dialogs: common message boxes and the import/export dialogs."""
