"""`python -m tui` is `nemo-tui`."""

import sys

from tui.cli import main

sys.exit(main())
