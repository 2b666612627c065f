"""``python -m ortkpi_xl`` runs the command line."""

from .cli import main

raise SystemExit(main())
