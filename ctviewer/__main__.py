"""Allow ``python -m ctviewer``."""

from ctviewer.cli import main

raise SystemExit(main())
