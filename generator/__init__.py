"""variantex: per-student exam variants from seeded question templates.

The pipeline (see ``build.build``): exam spec -> load bank -> sample (seeded)
-> solve + verify -> render -> writers.
"""

__version__ = "0.1.0"
