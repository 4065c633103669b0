"""Team dashboard (pyqtgraph plots of progress, labels, agreement and pace)."""
