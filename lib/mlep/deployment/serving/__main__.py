"""``python -m mlep.deployment.serving``."""

from .cli import main

raise SystemExit(main())
