"""``python -m mocks``: the ``contractkit mock`` verb on its own."""

from mocks.cli import main

raise SystemExit(main())
