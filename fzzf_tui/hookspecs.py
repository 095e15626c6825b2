"""The plugin hooks. Built-in checklists and exporters use exactly these hooks too.

Each call of a plugin's hook runs with a time limit (``FZZF_HOOK_TIMEOUT``, 5 s): a hook that
does not return in time is abandoned and what it registered is discarded. The return value of
a hook is never used: register things with the callback (see docs/plugins.md).
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("fzzf_tui")
hookimpl = pluggy.HookimplMarker("fzzf_tui")


@hookspec
def register_checklists(register):
    """Called once at start-up to add checklists.

    ``register(source)`` accepts a path to a YAML checklist file, a ``dict`` in the
    checklist file format, or a :class:`fzzf_tui.checklist.Checklist`.
    """


@hookspec
def register_inspection_types(register):
    """Called at start-up to declare inspection types beyond 示范创建/年度考核/专项督察.

    ``register(name, description="")``.
    """


@hookspec
def register_export_formats(register):
    """Called when exporting, to add export formats.

    ``register(name, label, suffix, writer)`` where ``writer(data, path, **options)`` writes
    the file; ``data`` is a read-only :class:`fzzf_tui.exporting.InspectionData` snapshot.

    ``register(name, label, suffix, writer, scope="consolidation")`` adds a format for a
    consolidation instead (``fzzf consolidate --report FILE --report-format NAME``): ``data``
    is then the :class:`fzzf_tui.exporting.consolidate.ConsolidateReport` (entries, ranking
    groups, skipped inputs). The built-in ``docx`` (反馈意见书) and ``bulletin`` (通报) formats
    are registered this way; their builders accept ``template=`` (a .docx whose page setup and
    ``fzzf …`` styles are used), so a plugin can register its own variant.
    """


@hookspec
def register_commands(cli):
    """Called before ``fzzf --help``, ``fzzf plugins`` or a command that is not built in runs,
    to add click commands to the ``cli`` group (built-in commands cannot be replaced)."""
