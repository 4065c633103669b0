"""Every file format we read or write: one module per format (reader and writer side by side),
``reading``/``writing`` hold what all readers and writers share."""
