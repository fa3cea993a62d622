"""``python -m contractkit.mock``: the ``contractkit mock`` verb on its own."""

from contractkit.mock.cli import main

raise SystemExit(main())
