"""The ``genai-actors`` sub-commands, one module each: ``add_arguments(parser)`` and ``run(args)``.

``_cli.py`` builds the parser from them; ``_common`` holds what they share (running a coroutine
on the library's loop, one-line error messages, reading terminal lines without blocking the
loop) and ``_progress`` the ``rich`` display of a watched job (also used by the demo).
"""
