"""Import and export orchestration over the formats: all-or-nothing import, label maps,
export with its summary, document splits."""
