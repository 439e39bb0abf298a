"""``python -m genai_actors``: the ``genai-actors`` command (see ``genai_actors._cli``)."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
