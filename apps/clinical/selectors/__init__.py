"""Clinical reads: scoped querysets and the chart bundle."""
