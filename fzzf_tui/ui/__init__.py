"""The Textual app: ``app.py`` + ``app.tcss``, ``screens/``, ``widgets/``, palette and keymap.

Only this package imports textual; it calls the domain (``inspection``, ``checklist``,
``plugins``) and the domain never calls back.
"""
