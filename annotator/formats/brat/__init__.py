"""brat standoff (.txt + .ann): reader and writer."""
