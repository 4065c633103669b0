"""Review mode: the disagreement queue and one-key adjudication decisions."""
