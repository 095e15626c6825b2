"""The read-only view (a second instance) follows the editing one: a mixin of
:class:`~.inspection.InspectionScreen` that polls the file and re-reads it when it changed."""

from __future__ import annotations

from ...errors import FzzfError
from ...inspection import Inspection


class FollowMixin:
    """Polling of the inspection file by a read-only screen."""

    # -- read-only view: follow the editing instance --------------------------------------
    _file_stamp: tuple = ()
    _refreshed_at = ""

    def _stamp(self) -> tuple:
        """What changes when the file is saved (size, mtime, inode: an atomic replace or an append)."""
        try:
            st = self.inspection.path.stat()
        except OSError:
            return ()
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def poll_other_instance(self) -> bool:
        """Re-read the file if the other instance saved since we last looked. True if it did."""
        if self._inspection_closed or not self.inspection.readonly:
            return False
        stamp = self._stamp()
        if not stamp or stamp == self._file_stamp:
            return False
        try:
            fresh = Inspection.open(self.inspection.path, readonly=True)
        except (FzzfError, OSError):
            return False  # caught mid-save or unreadable for now: try again at the next tick
        self._file_stamp = stamp
        old, self.inspection = self.inspection, fresh
        self.app.untrack(old)
        old.close()
        self.app.track(fresh)
        self._refreshed_at = self.app.now_text()
        self.after_change()
        self._update_banner()
        return True
