"""The write-ups' code AS WRITTEN (indentation restored, nothing fixed), to run it and show its
errata. Do not import these into anything else: they are evidence, not library code."""
