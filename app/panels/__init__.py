"""The window's panels: document list, article view, inspector, actor registry, label palette."""
