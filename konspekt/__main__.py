"""``python -m konspekt …``: the ``konspekt`` command."""

import sys

from .cli import main

sys.exit(main())
