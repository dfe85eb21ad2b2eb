"""``python -m occi_operator`` runs the command-line interface."""

from occi_operator.cli.main import main

raise SystemExit(main())
