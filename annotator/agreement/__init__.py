"""Inter-annotator agreement: span matching, kappa/alpha on token codes, the majority layer."""
